# Warning flags for the project's own targets; SCHEMAFLIP_WERROR (on in CI) makes them errors.
function(schemaflip_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
    -Wno-sign-conversion -Wnon-virtual-dtor -Wold-style-cast -Woverloaded-virtual)
  if(SCHEMAFLIP_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()
