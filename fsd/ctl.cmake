# esxctl: the control channel server (fsd/ctl*.c, fsd/rpc*.c) as a static
# library with no FUSE dependency: tests, the fuzzer and the benchmark run
# it in-process with a fake daemon. fsd/rpc_host.c (struct rpc_host over the
# tree, started from main.c) needs struct fsd and stays in fsdcore.
# Included from fsd/CMakeLists.txt, or from tests/ctl when fsd/ has none.
set(ESXCTL_DIR ${CMAKE_CURRENT_LIST_DIR})
file(GLOB ESXCTL_SRC CONFIGURE_DEPENDS
	${ESXCTL_DIR}/ctl*.c ${ESXCTL_DIR}/rpc*.c)
list(FILTER ESXCTL_SRC EXCLUDE REGEX "/rpc_host\\.c$")
add_library(esxctl STATIC ${ESXCTL_SRC})
# -iquote, not -I: fsd/limits.h must not shadow the system <limits.h>
target_compile_options(esxctl PUBLIC
	"SHELL:-iquote ${ESXCTL_DIR}" "SHELL:-iquote ${PROJECT_SOURCE_DIR}/proto")
target_compile_definitions(esxctl PRIVATE
	ESXMOCK_VERSION="${PROJECT_VERSION}")
target_link_libraries(esxctl PUBLIC esxb64 PkgConfig::JSONC
	PkgConfig::LIBEVENT)

if(TARGET fsdcore)
	# fsd/CMakeLists.txt globs ctl*.c and rpc*.c into fsdcore; keep one
	# copy of each object: fsdcore keeps the daemon glue and links esxctl.
	get_target_property(_fsd_src fsdcore SOURCES)
	list(FILTER _fsd_src EXCLUDE REGEX "/(ctl|rpc)[^/]*\\.c$")
	if(EXISTS ${ESXCTL_DIR}/rpc_host.c)
		list(APPEND _fsd_src ${ESXCTL_DIR}/rpc_host.c)
	endif()
	set_property(TARGET fsdcore PROPERTY SOURCES ${_fsd_src})
	target_link_libraries(fsdcore PUBLIC esxctl)
endif()
