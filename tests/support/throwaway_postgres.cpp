// ThrowawayPostgres: initdb, pg_ctl start and stop through the shell, as user postgres when run as root
// (PostgreSQL refuses to run as root).
#include "support/throwaway_postgres.hpp"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace schemaflip::test {
namespace {

const std::string k_bin = "/usr/lib/postgresql/15/bin/";

// A port the kernel says is free now (another process could take it before the server does; unlikely).
int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) == 0) {
        port = ntohs(address.sin_port);
    }
    ::close(fd);
    if (port == 0) throw std::runtime_error("no free port for a throwaway PostgreSQL");
    return port;
}

std::string as_postgres(const std::string& command) {
    if (::geteuid() != 0) return command;
    return "runuser -u postgres -- " + command;
}

std::string read_all(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

}  // namespace

bool throwaway_postgres_available() { return std::filesystem::exists(k_bin + "initdb") && std::filesystem::exists(k_bin + "pg_ctl"); }

ThrowawayPostgres::ThrowawayPostgres() {
    char pattern[] = "/tmp/schemaflip-fault-pg.XXXXXX";
    if (::mkdtemp(pattern) == nullptr) throw std::runtime_error("mkdtemp failed");
    m_dir = pattern;
    std::filesystem::permissions(m_dir, std::filesystem::perms::owner_all | std::filesystem::perms::group_read |
                                            std::filesystem::perms::group_exec | std::filesystem::perms::others_read |
                                            std::filesystem::perms::others_exec);
    if (::geteuid() == 0 && std::system(("chown postgres: " + m_dir.string()).c_str()) != 0) {
        throw std::runtime_error("cannot give " + m_dir.string() + " to user postgres");
    }
    m_port = free_port();
    const std::string data = (m_dir / "data").string();
    const std::string initdb = as_postgres(k_bin + "initdb -D " + data +
                                           " -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync > " +
                                           (m_dir / "initdb.log").string() + " 2>&1");
    if (std::system(initdb.c_str()) != 0) throw std::runtime_error("initdb failed: " + read_all(m_dir / "initdb.log"));
    const std::string start = as_postgres(k_bin + "pg_ctl -D " + data + " -l " + (m_dir / "server.log").string() +
                                          " -w -o \"-k " + m_dir.string() + " -p " + std::to_string(m_port) +
                                          " -c listen_addresses=127.0.0.1 -c fsync=off\" start > /dev/null 2>&1");
    if (std::system(start.c_str()) != 0) throw std::runtime_error("pg_ctl start failed: " + read_all(m_dir / "server.log"));
    m_running = true;
}

ThrowawayPostgres::~ThrowawayPostgres() {
    if (m_running) stop("immediate");
    std::error_code error;
    std::filesystem::remove_all(m_dir, error);
}

std::string ThrowawayPostgres::url(const std::string& database) const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(m_port) + "/" + database;
}

void ThrowawayPostgres::stop(const std::string& mode) {
    const std::string command =
        as_postgres(k_bin + "pg_ctl -D " + (m_dir / "data").string() + " -m " + mode + " -w stop > /dev/null 2>&1");
    (void)std::system(command.c_str());
    m_running = false;
}

}  // namespace schemaflip::test
