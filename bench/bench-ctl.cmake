# bench-ctl: control channel latency and throughput (see bench-ctl.c). It
# runs the real server in-process with the tests' fake daemon, so it
# compiles tests/ctl/fake_host.c and harness.c itself (tests may be off).
add_executable(bench-ctl ${CMAKE_CURRENT_LIST_DIR}/bench-ctl.c
	${PROJECT_SOURCE_DIR}/tests/ctl/fake_host.c
	${PROJECT_SOURCE_DIR}/tests/ctl/harness.c)
target_compile_options(bench-ctl PRIVATE
	"SHELL:-iquote ${PROJECT_SOURCE_DIR}/tests/ctl")
target_link_libraries(bench-ctl PRIVATE esxctl pthread)
