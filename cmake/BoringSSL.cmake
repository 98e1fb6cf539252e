# Debian ships BoringSSL (android-libboringssl-dev) beside OpenSSL 3, with no
# pkg-config file or CMake package. Both install <openssl/ssl.h>; a mix-up
# compiles and links without a word and then misbehaves, so the paths are
# searched with NO_DEFAULT_PATH and the headers are added with -isystem ahead
# of /usr/include.
find_path(BORINGSSL_INCLUDE_DIR openssl/is_boringssl.h
    PATHS /usr/include/android NO_DEFAULT_PATH REQUIRED)
find_library(BORINGSSL_SSL_LIBRARY NAMES libssl.so.0 ssl
    PATHS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/android NO_DEFAULT_PATH REQUIRED)
find_library(BORINGSSL_CRYPTO_LIBRARY NAMES libcrypto.so.0 crypto
    PATHS /usr/lib/${CMAKE_LIBRARY_ARCHITECTURE}/android NO_DEFAULT_PATH REQUIRED)
get_filename_component(BORINGSSL_LIBRARY_DIR ${BORINGSSL_SSL_LIBRARY} DIRECTORY)

add_library(boringssl::crypto SHARED IMPORTED)
set_target_properties(boringssl::crypto PROPERTIES
    IMPORTED_LOCATION ${BORINGSSL_CRYPTO_LIBRARY}
    IMPORTED_NO_SONAME FALSE
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES ${BORINGSSL_INCLUDE_DIR}
    INTERFACE_INCLUDE_DIRECTORIES ${BORINGSSL_INCLUDE_DIR})
add_library(boringssl::ssl SHARED IMPORTED)
set_target_properties(boringssl::ssl PROPERTIES
    IMPORTED_LOCATION ${BORINGSSL_SSL_LIBRARY}
    INTERFACE_SYSTEM_INCLUDE_DIRECTORIES ${BORINGSSL_INCLUDE_DIR}
    INTERFACE_INCLUDE_DIRECTORIES ${BORINGSSL_INCLUDE_DIR}
    INTERFACE_LINK_LIBRARIES boringssl::crypto)

# The libraries live outside the loader's search path.
list(APPEND CMAKE_BUILD_RPATH ${BORINGSSL_LIBRARY_DIR})
list(APPEND CMAKE_INSTALL_RPATH ${BORINGSSL_LIBRARY_DIR})
