# `cpack -G DEB` in the build directory: a Debian package of what `cmake --install` installs (binary, man
# pages, shell completions, README) under /usr.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME schemaflip)
set(CPACK_PACKAGE_VENDOR "schemaflip")
set(CPACK_PACKAGE_CONTACT "schemaflip maintainers <schemaflip@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "make database schema changes safe before they ship")
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "make database schema changes safe before they ship
 schemaflip reads what an application does to its database, predicts schema changes and their risk,
 shadows a change, replays real reads against primary and shadow, and writes a flip task for CI.")
set(CPACK_DEBIAN_PACKAGE_SECTION database)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # schemaflip_0.1.0_amd64.deb
set(CPACK_STRIP_FILES ON)                # the debug info stays in the build tree, not in the package
# The shared libraries (libpqxx, libpq, sqlite3, libpg_query — linked as a shared library, like the rest —
# libxgboost0, libstdc++) come from dpkg-shlibdeps reading the binary, so the list cannot drift from what
# is linked. pg_dump and pg_restore are run as programs by `shadow up` on PostgreSQL, which no ELF
# dependency shows: postgresql-client is named here.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# Any client works (shadow picks a pg_dump at least as new as the server); 15 is what Debian 12 ships.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "postgresql-client-15 | postgresql-client")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
include(CPack)
