# Run at build time (cmake -P): the version the binary reports and the
# package carries, from the project version and, in a git checkout, `git
# describe`. Files are rewritten only when their content changes.
#
#   -DSOURCE_DIR= -DPROJECT_VERSION= -DMAINTAINER= -DOUT_DIR=
#
# Writes OUT_DIR/build_version.cpp (kVersion), OUT_DIR/package_version.cmake
# (PREFLIGHT_DEB_VERSION, read by cpack) and OUT_DIR/changelog(.gz) (the
# Debian changelog entry of that version).

set(describe "")
set(count "")
find_package(Git QUIET)
if(GIT_FOUND)
  execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} describe --tags --long --always --dirty
                  OUTPUT_VARIABLE describe OUTPUT_STRIP_TRAILING_WHITESPACE
                  RESULT_VARIABLE describe_failed ERROR_QUIET)
  execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} log -1 --format=%ct
                  OUTPUT_VARIABLE commit_time OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(describe_failed)
    set(describe "")
  endif()
endif()

# Debian version (deb-version(5), no Debian revision): PROJECT_VERSION, then
# +N.gHASH for N commits after the last tag (or since the first commit when
# there is none), .dirty for uncommitted changes. A tagged, clean release is
# PROJECT_VERSION alone.
set(deb_version ${PROJECT_VERSION})
set(version_text ${PROJECT_VERSION})
if(describe)
  set(version_text "${PROJECT_VERSION} (git ${describe})")
  set(entry "Built from git ${describe}.")
  set(dirty "")
  if(describe MATCHES "-dirty$")
    set(dirty ".dirty")
    string(REGEX REPLACE "-dirty$" "" describe ${describe})
  endif()
  if(describe MATCHES "^(.*)-([0-9]+)-g([0-9a-f]+)$")
    set(after ${CMAKE_MATCH_2})
    set(hash ${CMAKE_MATCH_3})
  else()
    set(hash ${describe})
    execute_process(COMMAND ${GIT_EXECUTABLE} -C ${SOURCE_DIR} rev-list --count HEAD
                    OUTPUT_VARIABLE after OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  endif()
  if(NOT after EQUAL 0 OR dirty)
    set(deb_version "${PROJECT_VERSION}+${after}.g${hash}${dirty}")
  endif()
endif()

# The changelog's date: the commit's (reproducible), else the source tree's.
if(commit_time)
  set(ENV{SOURCE_DATE_EPOCH} ${commit_time})
  string(TIMESTAMP date "%a, %d %b %Y %H:%M:%S +0000" UTC)
else()
  file(TIMESTAMP ${SOURCE_DIR}/CMakeLists.txt date "%a, %d %b %Y %H:%M:%S +0000" UTC)
endif()

function(write_if_changed file content)
  if(EXISTS ${file})
    file(READ ${file} old)
    if(old STREQUAL content)
      return()
    endif()
  endif()
  file(WRITE ${file} "${content}")
endfunction()

write_if_changed(${OUT_DIR}/build_version.cpp
  "#include \"version.h\"\n\nnamespace preflight {\nconst char kVersion[] = \"${version_text}\";\n}\n")
write_if_changed(${OUT_DIR}/package_version.cmake
  "set(PREFLIGHT_DEB_VERSION \"${deb_version}\")\n")
if(NOT describe)
  set(entry "Release ${PROJECT_VERSION}.")
endif()
write_if_changed(${OUT_DIR}/changelog
  "subca-preflight (${deb_version}) unstable; urgency=medium\n\n  * ${entry}\n\n -- ${MAINTAINER}  ${date}\n")
# As Debian ships it: gzip -9n (no name or time inside).
if(NOT EXISTS ${OUT_DIR}/changelog.gz OR ${OUT_DIR}/changelog IS_NEWER_THAN ${OUT_DIR}/changelog.gz)
  execute_process(COMMAND gzip -9nc ${OUT_DIR}/changelog OUTPUT_FILE ${OUT_DIR}/changelog.gz
                  COMMAND_ERROR_IS_FATAL ANY)
endif()
