# The interpose shim (docs/interpose.md): what an intercepted program of the
# tree runs as. Static, libc only, no sanitizers (it runs in trees without
# visible shared libraries); copied to ${ESXMOCK_SHADOW_DIR}/mockbin, where
# esxfsd finds it (<shadow root>/mockbin/interpose, or $ESXMOCK_INTERPOSE).
add_executable(interpose ${CMAKE_CURRENT_SOURCE_DIR}/interpose.c)
target_link_options(interpose PRIVATE -static)
if(COMMAND esx_mockbin_no_sanitize)
	esx_mockbin_no_sanitize(interpose)
endif()
file(MAKE_DIRECTORY ${ESXMOCK_SHADOW_DIR}/mockbin)
add_custom_command(TARGET interpose POST_BUILD
	COMMAND ${CMAKE_COMMAND} -E copy $<TARGET_FILE:interpose>
		${ESXMOCK_SHADOW_DIR}/mockbin/interpose
	VERBATIM)
