# tools.cmake - vsish, configstorecli, vmkfstools, vmkload_mod, vds-vsipioctl.
# Their logic without main() forms a library twice, like lib.cmake's: static
# without sanitizers for the programs (esxtool_static), sanitized for the
# unit tests (esxtool_san).
set(ESX_TOOL_LOGIC_SRCS
	${CMAKE_CURRENT_SOURCE_DIR}/vsish_tree.c
	${CMAKE_CURRENT_SOURCE_DIR}/vsish_derive.c
	${CMAKE_CURRENT_SOURCE_DIR}/configstorecli_store.c
	${CMAKE_CURRENT_SOURCE_DIR}/vmkfstools_desc.c
	${CMAKE_CURRENT_SOURCE_DIR}/vmkfstools_disk.c
	${CMAKE_CURRENT_SOURCE_DIR}/vmkfstools_fs.c
	${CMAKE_CURRENT_SOURCE_DIR}/vds_vsipioctl_state.c)

add_library(esxtool_static STATIC ${ESX_TOOL_LOGIC_SRCS})
target_include_directories(esxtool_static PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(esxtool_static PUBLIC esxmock_mocklib)
esx_mockbin_no_sanitize(esxtool_static)

add_library(esxtool_san STATIC EXCLUDE_FROM_ALL ${ESX_TOOL_LOGIC_SRCS})
target_include_directories(esxtool_san PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(esxtool_san PUBLIC esxmock_mocklib_test)

foreach(t vsish configstorecli vmkfstools vmkload_mod)
	esx_add_mockbin(${t} SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/${t}.c
		LIBS esxtool_static m)
endforeach()
esx_add_mockbin(vds-vsipioctl
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/vds_vsipioctl.c
	LIBS esxtool_static m)
add_custom_target(esxtools DEPENDS vsish configstorecli vmkfstools
	vmkload_mod vds-vsipioctl)
