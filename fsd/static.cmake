# esxfsd-static: esxfsd linked with -static from Debian's archives, for the
# container image (image/), only with -DESXMOCK_IMAGE=ON. Included from
# fsd/CMakeLists.txt (needs FSD_EMBED_C and the fsdcore libraries).
option(ESXMOCK_IMAGE "Build the container image's static programs" OFF)
if(NOT ESXMOCK_IMAGE)
	return()
endif()
if(ESXMOCK_SANITIZE)
	# The libraries below would carry ASan/UBSan, which -static refuses.
	message(WARNING "ESXMOCK_IMAGE: esxfsd-static needs a build without "
		"ESXMOCK_SANITIZE (scripts/build-image.sh configures one)")
	return()
endif()

set(_esx_static_archives "")
foreach(lib fuse3 json-c event_pthreads event_core z)
	find_library(ESX_STATIC_${lib} NAMES lib${lib}.a REQUIRED)
	list(APPEND _esx_static_archives ${ESX_STATIC_${lib}})
endforeach()

add_executable(esxfsd-static main.c ${FSD_EMBED_C})
target_include_directories(esxfsd-static PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}
	${PROJECT_SOURCE_DIR}/proto ${PROJECT_SOURCE_DIR}/manifest
	${FUSE3_INCLUDE_DIRS} ${JSONC_INCLUDE_DIRS} ${LIBEVENT_INCLUDE_DIRS})
target_compile_definitions(esxfsd-static PRIVATE
	ESXMOCK_VERSION="${PROJECT_VERSION}"
	ESXMOCK_SHADOW_DIR="/.shadow")
# The project's archives by file name, not as targets: the targets carry
# the shared pkg-config libraries, which -static cannot link.
set(_esx_static_own fsdcore esxrules esxmanifest esxb64)
if(TARGET esxctl)
	list(APPEND _esx_static_own esxctl)
endif()
set(_esx_static_files "")
foreach(t ${_esx_static_own})
	list(APPEND _esx_static_files $<TARGET_FILE:${t}>)
endforeach()
add_dependencies(esxfsd-static ${_esx_static_own})
target_link_options(esxfsd-static PRIVATE -static)
target_link_libraries(esxfsd-static PRIVATE -Wl,--start-group
	${_esx_static_files} -Wl,--end-group ${_esx_static_archives}
	-lpthread -ldl)
