#pragma once

#include <string>
#include <string_view>

namespace preflight {

// `s` as valid UTF-8 that is safe to show on a terminal or in a file: control
// characters (C0 except those in `keep`, DEL, C1), bidirectional marks and
// overrides (U+200E/F, U+202A–202E, U+2066–2069) and the XML 1.0 non-characters
// U+FFFE/U+FFFF become visible escapes ("\x1b", "\u{202e}"), and bytes that are
// not UTF-8 become "\xff". Server and certificate bytes are hostile: an ESC
// sequence must not drive the operator's terminal, a U+202E must not reorder
// a URL, a NUL must not end an XML file. Every report, inspect summary, log
// line and error message goes through this one function.
std::string printable(std::string_view s, std::string_view keep = {});

}  // namespace preflight
