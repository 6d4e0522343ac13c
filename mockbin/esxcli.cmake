# esxcli and localcli (one binary, told apart by argv[0]) and esxcfg-advcfg.
# `system module` uses the module state API (lib/modules.c), which lives in
# tools.cmake's esxtool_static library.
set(ESXCLI_SOURCES
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_main.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_util.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_esxcli.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_hardware.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_network.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_network_vswitch.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_software.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_storage.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_system.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_system_module.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_vm.c)
esx_add_mockbin(esxcli SOURCES ${ESXCLI_SOURCES}
	LIBS esxtool_static ALIASES localcli)
esx_add_mockbin(esxcfg-advcfg
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/esxcfg-advcfg.c)
# The command tables without main(), for the unit tests (sanitized).
add_library(esxcli_tables_test STATIC EXCLUDE_FROM_ALL
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_util.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_esxcli.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_hardware.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_network.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_network_vswitch.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_software.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_storage.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_system.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_system_module.c
	${CMAKE_CURRENT_SOURCE_DIR}/esxcli_vm.c)
target_link_libraries(esxcli_tables_test PUBLIC esxmock_mocklib_test esxtool_san)
