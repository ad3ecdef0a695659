# `cpack -G DEB` in the build directory (or ./dev.sh package) makes a Debian package of the app.
set(CPACK_PACKAGE_NAME vigil)
set(CPACK_PACKAGE_VENDOR "Vigil")
set(CPACK_PACKAGE_CONTACT "Vigil developers <vigil@users.noreply.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Watches many MJPEG network cameras at once, with live object detection")
# One string with explicit line breaks: a CMake list here would be joined with ";" (apt show).
# CPack puts the summary on the first line itself.
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION "Vigil shows many network cameras (ESP32-CAM and anything that serves MJPEG
over HTTP) in one window, runs YOLO object detection on them locally through
OpenCV DNN, and rebroadcasts the annotated video over WebSocket and MJPEG.
The picture stays real-time: frames that cannot be used are dropped, never
queued.")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_GENERATOR DEB)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Debian revision 1: a non-native package (its changelog is changelog.Debian.gz).
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_SECTION video)
# The shared libraries it links (Qt 6, OpenCV, libjpeg-turbo) become Depends via dpkg-shlibdeps.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# The window needs a Qt platform plugin (xcb/wayland), which libqt6gui6 only recommends; the
# events database needs Qt SQL's SQLite driver, a plugin that nothing links.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "qt6-qpa-plugins, libqt6sql6-sqlite")
# models/fetch.sh downloads models with one of these and reads the manifest with the other.
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "curl | wget, python3 | jq")
set(CPACK_SOURCE_IGNORE_FILES "/build.*/" "/\\\\.git/")
include(CPack)
