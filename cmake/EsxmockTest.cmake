# Test registration helpers shared by every tests/ subdirectory.
# Every test gets a time limit so that a hang fails the run instead of
# stalling CI; a directory may raise it with set_tests_properties(TIMEOUT).
set(ESXMOCK_TEST_TIMEOUT 600 CACHE STRING "Default per-test time limit (s)")

# esx_add_cmocka_test(NAME SOURCES a.c b.c LIBS x y [LABELS l1 l2])
find_library(CMOCKA_LIB NAMES cmocka REQUIRED)
find_path(CMOCKA_INCLUDE NAMES cmocka.h REQUIRED)

function(esx_add_cmocka_test name)
	cmake_parse_arguments(T "" "" "SOURCES;LIBS;LABELS" ${ARGN})
	add_executable(${name} ${T_SOURCES})
	target_include_directories(${name} PRIVATE ${CMOCKA_INCLUDE})
	target_link_libraries(${name} PRIVATE ${T_LIBS} ${CMOCKA_LIB})
	add_test(NAME ${name} COMMAND ${name})
	set_tests_properties(${name} PROPERTIES
		LABELS "${T_LABELS}" SKIP_RETURN_CODE 77
		TIMEOUT ${ESXMOCK_TEST_TIMEOUT}
		ENVIRONMENT "ESXMOCK_SRC=${PROJECT_SOURCE_DIR};ESXMOCK_BUILD=${PROJECT_BINARY_DIR}")
endfunction()

# esx_add_script_test(NAME COMMAND cmd args... [LABELS l])
function(esx_add_script_test name)
	cmake_parse_arguments(T "" "" "COMMAND;LABELS" ${ARGN})
	add_test(NAME ${name} COMMAND ${T_COMMAND})
	set_tests_properties(${name} PROPERTIES
		LABELS "${T_LABELS}" SKIP_RETURN_CODE 77
		TIMEOUT ${ESXMOCK_TEST_TIMEOUT}
		ENVIRONMENT "ESXMOCK_SRC=${PROJECT_SOURCE_DIR};ESXMOCK_BUILD=${PROJECT_BINARY_DIR}")
endfunction()
