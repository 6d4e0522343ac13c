# The mock CLIs' shared library (mockbin/lib/), used by every program: the
# tree root, state files (esx.conf and JSON), text buffers, argument parsing,
# output formatters, advanced options and kernel modules. Two variants of the
# same sources:
#  - esxmock_mocklib: static, without sanitizers, for the static programs
#    (static linking and ASan do not mix);
#  - esxmock_mocklib_test: with the build's sanitizers, for cmocka tests.
set(ESXMOCK_MOCKLIB_SOURCES
	${CMAKE_CURRENT_SOURCE_DIR}/lib/esxroot.c
	${CMAKE_CURRENT_SOURCE_DIR}/lib/esxconf.c
	${CMAKE_CURRENT_SOURCE_DIR}/lib/state.c
	${CMAKE_CURRENT_SOURCE_DIR}/lib/state_py.c
	${CMAKE_CURRENT_SOURCE_DIR}/lib/strbuf.c
	${CMAKE_CURRENT_SOURCE_DIR}/lib/advopt.c
	${CMAKE_CURRENT_SOURCE_DIR}/lib/modules.c
	${CMAKE_CURRENT_SOURCE_DIR}/lib/fmt.c
	${CMAKE_CURRENT_SOURCE_DIR}/lib/fmt_text.c
	${CMAKE_CURRENT_SOURCE_DIR}/lib/fmt_machine.c
	${CMAKE_CURRENT_SOURCE_DIR}/lib/fmt_fill.c
	${CMAKE_CURRENT_SOURCE_DIR}/lib/cli.c)

# Drops the -fsanitize* options a target inherits from the directory.
function(esx_mockbin_no_sanitize tgt)
	foreach(prop COMPILE_OPTIONS LINK_OPTIONS)
		get_target_property(v ${tgt} ${prop})
		if(v)
			list(FILTER v EXCLUDE REGEX "sanitize")
			set_target_properties(${tgt} PROPERTIES ${prop} "${v}")
		endif()
	endforeach()
endfunction()

add_library(esxmock_mocklib STATIC ${ESXMOCK_MOCKLIB_SOURCES})
target_include_directories(esxmock_mocklib PUBLIC
	${CMAKE_CURRENT_SOURCE_DIR}/lib ${JSONC_INCLUDE_DIRS})
target_link_libraries(esxmock_mocklib PUBLIC ${JSONC_STATIC})
esx_mockbin_no_sanitize(esxmock_mocklib)

# Sanitized like the rest of the build (directory options kept).
add_library(esxmock_mocklib_test STATIC EXCLUDE_FROM_ALL ${ESXMOCK_MOCKLIB_SOURCES})
target_include_directories(esxmock_mocklib_test PUBLIC
	${CMAKE_CURRENT_SOURCE_DIR}/lib)
target_link_libraries(esxmock_mocklib_test PUBLIC PkgConfig::JSONC)

file(MAKE_DIRECTORY ${ESXMOCK_SHADOW_DIR}/mockbin)

# esx_add_mockbin(NAME SOURCES a.c ... [LIBS l ...] [ALIASES name ...])
# A static program copied to ${ESXMOCK_SHADOW_DIR}/mockbin/NAME (and to each
# alias name) after every build.
function(esx_add_mockbin name)
	cmake_parse_arguments(M "" "" "SOURCES;LIBS;ALIASES" ${ARGN})
	add_executable(${name} ${M_SOURCES})
	target_link_libraries(${name} PRIVATE esxmock_mocklib ${M_LIBS}
		${JSONC_STATIC})
	target_link_options(${name} PRIVATE -static)
	esx_mockbin_no_sanitize(${name})
	set(_cmds COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:${name}>
		${ESXMOCK_SHADOW_DIR}/mockbin/${name})
	foreach(a ${M_ALIASES})
		list(APPEND _cmds COMMAND ${CMAKE_COMMAND} -E copy
			$<TARGET_FILE:${name}> ${ESXMOCK_SHADOW_DIR}/mockbin/${a})
	endforeach()
	add_custom_command(TARGET ${name} POST_BUILD ${_cmds} VERBATIM)
endfunction()
