# tools.cmake - vsish, configstorecli, vmkfstools, vmkload_mod, vds-vsipioctl.
# The programs run inside the mounted tree (no shared libraries there): they
# are linked with -static and built WITHOUT the sanitizer flags the top level
# adds when ESXMOCK_SANITIZE=ON (static + ASan do not mix). The same sources
# also form a sanitized library, esxtool_san, that the unit tests link.

# esxroot.c comes from lib.cmake's esxmock_mocklib(_test) when that exists
# (esxcli links both libraries: one definition only).
set(ESX_TOOL_LIB_SRCS
	${CMAKE_CURRENT_SOURCE_DIR}/lib/tool_buf.c
	${CMAKE_CURRENT_SOURCE_DIR}/lib/tool_json.c
	${CMAKE_CURRENT_SOURCE_DIR}/lib/modules.c)
# Program logic without main(): linked by the programs and by unit tests.
set(ESX_TOOL_LOGIC_SRCS
	${CMAKE_CURRENT_SOURCE_DIR}/vsish_tree.c
	${CMAKE_CURRENT_SOURCE_DIR}/configstorecli_store.c
	${CMAKE_CURRENT_SOURCE_DIR}/vmkfstools_desc.c
	${CMAKE_CURRENT_SOURCE_DIR}/vmkfstools_disk.c
	${CMAKE_CURRENT_SOURCE_DIR}/vmkfstools_fs.c
	${CMAKE_CURRENT_SOURCE_DIR}/vds_vsipioctl_state.c)

# Drops -fsanitize* options a target inherited from the directory.
function(esx_tool_no_sanitize tgt)
	foreach(prop COMPILE_OPTIONS LINK_OPTIONS)
		get_target_property(v ${tgt} ${prop})
		if(v)
			list(FILTER v EXCLUDE REGEX "sanitize")
			set_target_properties(${tgt} PROPERTIES ${prop} "${v}")
		endif()
	endforeach()
endfunction()

if(TARGET esxmock_mocklib)
	set(ESX_TOOL_ROOT_STATIC esxmock_mocklib)
	set(ESX_TOOL_ROOT_SAN esxmock_mocklib_test)
	set(ESX_TOOL_ROOT_SRC)
else()
	set(ESX_TOOL_ROOT_STATIC)
	set(ESX_TOOL_ROOT_SAN)
	set(ESX_TOOL_ROOT_SRC ${CMAKE_CURRENT_SOURCE_DIR}/lib/esxroot.c)
endif()

add_library(esxtool_static STATIC ${ESX_TOOL_LIB_SRCS} ${ESX_TOOL_LOGIC_SRCS}
	${ESX_TOOL_ROOT_SRC})
target_include_directories(esxtool_static PUBLIC
	${CMAKE_CURRENT_SOURCE_DIR}/lib ${CMAKE_CURRENT_SOURCE_DIR}
	${JSONC_INCLUDE_DIRS})
target_link_libraries(esxtool_static PUBLIC ${ESX_TOOL_ROOT_STATIC})
esx_tool_no_sanitize(esxtool_static)

add_library(esxtool_san STATIC ${ESX_TOOL_LIB_SRCS} ${ESX_TOOL_LOGIC_SRCS}
	${ESX_TOOL_ROOT_SRC})
target_include_directories(esxtool_san PUBLIC
	${CMAKE_CURRENT_SOURCE_DIR}/lib ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(esxtool_san PUBLIC ${ESX_TOOL_ROOT_SAN} PkgConfig::JSONC)

file(MAKE_DIRECTORY ${ESXMOCK_SHADOW_DIR}/mockbin)

# esx_tool(NAME SOURCES...): a static program copied to shadow/mockbin/NAME.
function(esx_tool name)
	add_executable(${name} ${ARGN})
	target_link_libraries(${name} PRIVATE esxtool_static ${JSONC_STATIC} m)
	target_link_options(${name} PRIVATE -static)
	esx_tool_no_sanitize(${name})
	add_custom_command(TARGET ${name} POST_BUILD
		COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:${name}>
			${ESXMOCK_SHADOW_DIR}/mockbin/${name}
		VERBATIM)
endfunction()

esx_tool(vsish ${CMAKE_CURRENT_SOURCE_DIR}/vsish.c)
esx_tool(configstorecli ${CMAKE_CURRENT_SOURCE_DIR}/configstorecli.c)
esx_tool(vmkfstools ${CMAKE_CURRENT_SOURCE_DIR}/vmkfstools.c)
esx_tool(vmkload_mod ${CMAKE_CURRENT_SOURCE_DIR}/vmkload_mod.c)
esx_tool(vds-vsipioctl ${CMAKE_CURRENT_SOURCE_DIR}/vds_vsipioctl.c)
add_custom_target(esxtools DEPENDS vsish configstorecli vmkfstools
	vmkload_mod vds-vsipioctl)
