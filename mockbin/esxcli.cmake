# esxcli and localcli (one binary, told apart by argv[0]) and esxcfg-advcfg.
# The command tables (everything but main) are also a sanitized library for
# the unit tests.
set(ESXCLI_TABLE_SOURCES
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
esx_add_mockbin(esxcli
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/esxcli_main.c ${ESXCLI_TABLE_SOURCES}
	ALIASES localcli)
esx_add_mockbin(esxcfg-advcfg
	SOURCES ${CMAKE_CURRENT_SOURCE_DIR}/esxcfg-advcfg.c)
add_library(esxcli_tables_test STATIC EXCLUDE_FROM_ALL ${ESXCLI_TABLE_SOURCES})
target_link_libraries(esxcli_tables_test PUBLIC esxmock_mocklib_test)
