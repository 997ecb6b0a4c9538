#include "cli/manual.h"

#include <algorithm>
#include <map>
#include <string_view>

#include "report/report.h"

namespace preflight::cli {

namespace {

constexpr std::string_view kTool = "subca-preflight";

// What CLI11 does not hold. A command without an entry still gets its page,
// from its description and options alone.
struct Prose {
  std::string_view description;  // paragraphs after the command's own description
  std::string_view exit_status;
  std::string_view examples;
};

const std::map<std::string_view, Prose>& command_prose() {
  static const std::map<std::string_view, Prose> prose = {
      {"check",
       {"Every URL of every profile is fetched through every path the profiles name (system DNS "
        "and proxy variables, a pinned CDN edge, a forward proxy, the origin). The profiles are "
        "described in /usr/share/doc/subca-preflight/profiles/ and the checks by "
        "\\fBsubca-preflight checks\\fR.",
        "0 ready: no check failed at severity error. 1 not ready. 2 input or usage error (the "
        "message names FILE:LINE:COL). 3 the run could not finish.",
        "subca-preflight check subca1.yaml subca2.yaml --report junit=preflight.xml "
        "--evidence evidence/"}},
      {"lint",
       {"Only the profile.* checks run: the identity sources agree, the URLs are well formed and "
        "consistent, the probes are issued by the SubCA. Nothing is fetched.",
        "0 ready. 1 not ready. 2 input or usage error (FILE:LINE:COL).",
        "subca-preflight lint subca1.yaml --format json"}},
      {"inspect",
       {"Without \\fB\\-\\-issuer\\fR the artifact is decoded and summarised. With it, the "
        "checks that apply to the artifact run as \\fBcheck\\fR would run them.",
        "Without \\-\\-issuer: 0 the artifact decodes, 1 it does not or the URL could not be "
        "fetched. With \\-\\-issuer: 0 ready, 1 not ready. 2 input or usage error.",
        "subca-preflight inspect http://crl.example.com/subca.crl --issuer subca.pem "
        "--cert leaf.pem --expect revoked"}},
      {"policies",
       {"A policy holds the thresholds and severities a run is judged with. The folder they are "
        "read from is printed first (see FILES in \\fBsubca-preflight\\fR(1)).",
        "0 listed. 2 no policy found or a policy file is wrong.", "subca-preflight policies"}},
  };
  return prose;
}

// Text for roff: backslashes escaped, anything outside ASCII as a \[uXXXX]
// glyph (groff reads bytes), a leading control character made literal, and
// the dashes that start a word (--issuer, -vv) minus signs, so they are
// typed as shown.
std::string escape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool word_start = i == 0 || text[i - 1] == ' ' || text[i - 1] == '(' ||
                            text[i - 1] == '-' || text[i - 1] == '`';
    if (c == '-' && word_start) {
      out += "\\-";
    } else if (c == '\\') {
      out += "\\e";
    } else if (c == '\n') {
      out += ' ';
    } else if (c < 0x80) {
      out += static_cast<char>(c);
    } else {
      // A UTF-8 sequence; CLI text is valid UTF-8 written in this project.
      const int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : 1;
      unsigned code = c & (0x3F >> extra);
      for (int k = 0; k < extra && i + 1 < text.size(); ++k) {
        code = (code << 6) | (static_cast<unsigned char>(text[++i]) & 0x3F);
      }
      char buffer[16];
      std::snprintf(buffer, sizeof buffer, "\\[u%04X]", code);
      out += buffer;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) out.insert(0, "\\&");
  return out;
}

// An option or command name: every '-' a minus sign, as typed.
std::string literal(std::string_view name) {
  std::string out;
  for (char c : name) out += c == '-' ? std::string("\\-") : std::string(1, c);
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

// A description as a sentence, so notes can follow it.
std::string sentence(std::string_view text) {
  std::string out = escape(text);
  if (!out.empty() && out.back() != '.') out += '.';
  if (!out.empty()) out[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(out[0])));
  return out;
}

// CLI11's type name with the validators' descriptions after ':' (e.g.
// "TEXT:{text,json}"): the value's name, and the member list if any.
struct ValueSpec {
  std::string name;
  std::vector<std::string> members;
  std::string constraint;  // other validator text, e.g. "INT in [1 - 256]"
};

ValueSpec value_spec(const CLI::Option& opt) {
  ValueSpec spec;
  const std::string full = opt.get_type_name();
  const std::size_t colon = full.find(':');
  spec.name = full.substr(0, colon);
  if (colon == std::string::npos) return spec;
  const std::string rest = full.substr(colon + 1);
  if (rest.size() > 2 && rest.front() == '{' && rest.back() == '}') {
    std::size_t start = 1;
    while (start < rest.size() - 1) {
      const std::size_t comma = std::min(rest.find(',', start), rest.size() - 1);
      spec.members.push_back(rest.substr(start, comma - start));
      start = comma + 1;
    }
  } else {
    spec.constraint = rest;
  }
  return spec;
}

// Flags (--help, -q) expect no value; CLI11 still gives them a type size.
bool takes_value(const CLI::Option& opt) { return opt.get_expected_max() > 0; }

std::vector<std::string> option_names(const CLI::Option& opt) {
  std::vector<std::string> names;
  for (const auto& s : opt.get_snames()) names.push_back("-" + s);
  for (const auto& l : opt.get_lnames()) names.push_back("--" + l);
  return names;
}

std::string first_name(const CLI::Option* opt) {
  const auto names = option_names(*opt);
  return names.empty() ? opt->get_name() : names.back();
}

std::string option_item(const CLI::Option& opt) {
  std::string head;
  for (const std::string& name : option_names(opt)) {
    head += (head.empty() ? "" : ", ") + std::string("\\fB") + literal(name) + "\\fR";
  }
  std::string text = sentence(opt.get_description());
  if (takes_value(opt)) {
    const ValueSpec spec = value_spec(opt);
    if (spec.members.empty()) {
      head += " \\fI" + escape(spec.name) + "\\fR";
    } else {
      std::string choices;
      for (const auto& m : spec.members) choices += (choices.empty() ? "" : "|") + escape(m);
      head += " \\fI" + choices + "\\fR";
    }
    if (!spec.constraint.empty()) text += " Accepted: " + escape(spec.constraint) + ".";
    const bool repeatable = opt.get_items_expected_max() > 1 ||
                            opt.get_multi_option_policy() == CLI::MultiOptionPolicy::TakeAll;
    if (repeatable && opt.get_description().find("repeatable") == std::string::npos) {
      text += " May be given more than once.";
    }
  }
  for (const CLI::Option* need : opt.get_needs()) {
    text += " Needs \\fB" + literal(first_name(need)) + "\\fR.";
  }
  for (const CLI::Option* other : opt.get_excludes()) {
    text += " Not with \\fB" + literal(first_name(other)) + "\\fR.";
  }
  return ".TP\n" + head + "\n" + text + "\n";
}

std::string synopsis_arguments(const CLI::App& command) {
  std::string out = " [\\fIOPTIONS\\fR]";
  for (const CLI::Option* opt : command.get_options()) {
    if (opt->nonpositional()) continue;
    std::string arg = "\\fI" + escape(upper(opt->get_name())) + "\\fR";
    if (opt->get_items_expected_max() > 1) arg += "\\&...";
    out += " " + (opt->get_required() ? arg : "[" + arg + "]");
  }
  return out;
}

// The first sentence of a description, for NAME (whatis).
std::string summary_of(std::string_view description) {
  std::string s(description);
  for (std::string_view stop : {". ", " (", ": "}) {
    if (const std::size_t at = s.find(stop); at != std::string::npos) s.resize(at);
  }
  if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
  return s;
}

std::string header(const std::string& title, const std::string& version) {
  // .nh, .ad l: no hyphenation, ragged right, so values such as
  // junit=preflight.xml read and copy as typed.
  return ".TH " + upper(title) + " 1 \"\" \"" + escape(std::string(kTool) + " " + version) +
         "\" \"User Commands\"\n.nh\n.ad l\n";
}

std::string options_section(const CLI::App& command) {
  std::string out = ".SH OPTIONS\n";
  for (const CLI::Option* opt : command.get_options()) {
    if (opt->nonpositional() && !opt->get_group().empty()) out += option_item(*opt);
  }
  return out;
}

std::string see_also(const CLI::App& app, const std::string& self) {
  std::string out = ".SH SEE ALSO\n";
  std::vector<std::string> refs;
  if (self != kTool) refs.push_back("\\fB" + literal(kTool) + "\\fR(1)");
  for (const CLI::App* sub : app.get_subcommands({})) {
    const std::string page = std::string(kTool) + "-" + sub->get_name();
    if (page != self) refs.push_back("\\fB" + literal(page) + "\\fR(1)");
  }
  for (std::size_t i = 0; i < refs.size(); ++i) {
    out += refs[i] + (i + 1 < refs.size() ? ",\n" : "\n");
  }
  return out;
}

ManPage command_page(const CLI::App& app, const CLI::App& command, const std::string& version) {
  const std::string name = std::string(kTool) + "-" + command.get_name();
  std::string roff = header(name, version);
  roff +=
      ".SH NAME\n" + literal(name) + " \\- " + escape(summary_of(command.get_description())) + "\n";
  roff += ".SH SYNOPSIS\n\\fB" + literal(kTool) + " " + literal(command.get_name()) + "\\fR" +
          synopsis_arguments(command) + "\n";
  roff += ".SH DESCRIPTION\n" + sentence(command.get_description()) + "\n";
  const auto prose = command_prose().find(command.get_name());
  if (prose != command_prose().end() && !prose->second.description.empty()) {
    roff += ".PP\n" + std::string(prose->second.description) + "\n";
  }
  roff += options_section(command);
  if (prose != command_prose().end()) {
    if (!prose->second.exit_status.empty()) {
      roff += ".SH EXIT STATUS\n" + std::string(prose->second.exit_status) + "\n";
    }
    if (!prose->second.examples.empty()) {
      roff += ".SH EXAMPLES\n.nf\n" + literal(prose->second.examples) + "\n.fi\n";
    }
  }
  roff += see_also(app, name);
  return {name + ".1", roff};
}

ManPage main_page(const CLI::App& app, const std::string& version) {
  std::string roff = header(std::string(kTool), version);
  roff += ".SH NAME\n" + literal(kTool) +
          " \\- check that a new Subordinate CA's CRL, OCSP and caIssuers service is ready\n";
  roff += ".SH SYNOPSIS\n\\fB" + literal(kTool) +
          "\\fR \\fICOMMAND\\fR [\\fIOPTIONS\\fR] [\\fIARGUMENTS\\fR]\n.br\n\\fB" + literal(kTool) +
          "\\fR \\fB\\-\\-help\\fR | \\fB\\-\\-version\\fR\n";
  roff += ".SH DESCRIPTION\n" + escape(app.get_description()) + "\n.PP\n" +
          "It fetches every CRL, OCSP and caIssuers URL that the SubCA's certificate and the "
          "certificates it will issue carry, through every path relying parties use, and checks "
          "that each serves the right issuer's data: current, correctly signed, byte-exact where "
          "the CA/Browser Forum Baseline Requirements demand it (RFC 5280, RFC 6960, RFC 5019). "
          "Each command has its own page and takes \\fB\\-\\-help\\fR.\n";
  roff += ".SH COMMANDS\n";
  for (const CLI::App* sub : app.get_subcommands({})) {
    roff += ".TP\n\\fB" + literal(sub->get_name()) + "\\fR\n" + sentence(sub->get_description()) +
            " See \\fB" + literal(std::string(kTool) + "-" + sub->get_name()) + "\\fR(1).\n";
  }
  roff += options_section(app);
  roff +=
      ".SH EXIT STATUS\n"
      ".TP\n0\nReady (\\fBinspect\\fR without \\fB\\-\\-issuer\\fR: the artifact decodes).\n"
      ".TP\n1\nNot ready: a check failed at severity error.\n"
      ".TP\n2\nInput or usage error: the message names FILE:LINE:COL where it can.\n"
      ".TP\n3\nThe run could not finish: out of memory, a failed write, too many open files.\n";
  roff +=
      ".SH ENVIRONMENT\n"
      ".TP\n.B SUBCA_PREFLIGHT_POLICY_DIR\nThe folder of shipped policies, instead of the one "
      "beside the binary (see FILES).\n"
      ".TP\n.BR http_proxy \", \" all_proxy \", \" no_proxy\nRead by libcurl for a path that sets "
      "no proxy, resolve or connect_to of its own.\n"
      ".TP\n.B NO_COLOR\nNon-empty: no colour under \\fB\\-\\-color auto\\fR.\n"
      ".TP\n.BR LC_ALL \", \" LC_CTYPE \", \" LANG\nThe first one set decides whether the text "
      "report uses Unicode check marks (UTF-8) or ASCII words.\n";
  roff +=
      ".SH FILES\n"
      ".TP\n.I /usr/share/subca\\-preflight/policies/*.yaml\nThe shipped policies; in general "
      "\\fIshare/subca\\-preflight/policies\\fR beside the \\fIbin\\fR folder holding the binary, "
      "wherever the installed tree was moved.\n"
      ".TP\n.I /usr/share/doc/subca\\-preflight/\nREADME, the documentation of the checks and "
      "the command line, and annotated profile templates to start from.\n";
  roff += see_also(app, std::string(kTool));
  return {std::string(kTool) + ".1", roff};
}

// Shell words, for a case pattern or a word list.
std::string joined(const std::vector<std::string>& words, std::string_view separator) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : std::string(separator)) + w;
  return out;
}

std::vector<std::string> format_names() {
  std::vector<std::string> names;
  for (Format f :
       {Format::kText, Format::kJson, Format::kJunit, Format::kMarkdown, Format::kPrometheus}) {
    names.emplace_back(format_name(f));
  }
  return names;
}

// The completion of an option's value, as bash statements setting COMPREPLY.
std::string value_completion(const CLI::Option& opt) {
  const ValueSpec spec = value_spec(opt);
  if (!spec.members.empty()) {
    return "COMPREPLY=($(compgen -W '" + joined(spec.members, " ") + "' -- \"$cur\"))";
  }
  if (opt.check_lname("policy")) {
    return "COMPREPLY=($(compgen -W \"$(_subca_preflight_policies)\" -- \"$cur\") "
           "$(compgen -f -- \"$cur\"))";
  }
  if (spec.name == "FORMAT") {
    return "COMPREPLY=($(compgen -W '" + joined(format_names(), " ") + "' -- \"$cur\"))";
  }
  if (spec.name == "FORMAT=FILE") {
    // FORMAT= first; after the '=' a file name.
    return "if [[ $cur == *=* ]]; then COMPREPLY=($(compgen -P \"${cur%%=*}=\" -f -- "
           "\"${cur#*=}\")); else compopt -o nospace; COMPREPLY=($(compgen -S = -W '" +
           joined(format_names(), " ") + "' -- \"$cur\")); fi";
  }
  if (spec.name == "WHEN") return "COMPREPLY=($(compgen -W 'auto always never' -- \"$cur\"))";
  if (spec.name == "INT" || spec.name == "UINT") return "COMPREPLY=()";
  return "COMPREPLY=($(compgen -f -- \"$cur\"))";
}

}  // namespace

std::vector<ManPage> man_pages(const CLI::App& app, const std::string& version) {
  std::vector<ManPage> pages{main_page(app, version)};
  for (const CLI::App* sub : app.get_subcommands({})) {
    pages.push_back(command_page(app, *sub, version));
  }
  return pages;
}

std::string bash_completion(const CLI::App& app, const std::string& policy_dir_from_binary) {
  std::vector<std::string> commands;
  for (const CLI::App* sub : app.get_subcommands({})) commands.push_back(sub->get_name());
  std::string out =
      "# bash completion for subca-preflight; generated from its command definitions.\n"
      "\n"
      "# Shipped policy names: the binary's own lookup (SUBCA_PREFLIGHT_POLICY_DIR, else\n"
      "# beside the binary's folder).\n"
      "_subca_preflight_policies() {\n"
      "  local dir=${SUBCA_PREFLIGHT_POLICY_DIR:-} bin f\n"
      "  if [[ -z $dir ]]; then\n"
      "    bin=$(type -P \"${COMP_WORDS[0]}\") || return 0\n"
      "    bin=$(readlink -f \"$bin\") || return 0\n"
      "    dir=${bin%/*}/" +
      policy_dir_from_binary +
      "\n"
      "  fi\n"
      "  for f in \"$dir\"/*.yaml; do\n"
      "    [[ -f $f ]] || continue\n"
      "    f=${f##*/}\n"
      "    printf '%s\\n' \"${f%.yaml}\"\n"
      "  done\n"
      "}\n"
      "\n"
      "_subca_preflight() {\n"
      "  local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]} cmd= i\n"
      "  for ((i = 1; i < COMP_CWORD; i++)); do\n"
      "    case ${COMP_WORDS[i]} in\n"
      "      " +
      joined(commands, "|") +
      ") cmd=${COMP_WORDS[i]}; break ;;\n"
      "    esac\n"
      "  done\n"
      "  case $cmd in\n";
  // Options after '-', else `otherwise` (the commands, or file names).
  const auto add_command = [&out](const std::string& pattern, const CLI::App& command,
                                  const std::string& otherwise) {
    out += "    " + pattern + ")\n      case $prev in\n";
    std::vector<std::string> options;
    for (const CLI::Option* opt : command.get_options()) {
      if (!opt->nonpositional() || opt->get_group().empty()) continue;
      for (const auto& name : option_names(*opt)) options.push_back(name);
      if (takes_value(*opt)) {
        out += "        " + joined(option_names(*opt), "|") + ")\n          " +
               value_completion(*opt) + "\n          return ;;\n";
      }
    }
    out += "      esac\n      if [[ $cur == -* ]]; then\n        COMPREPLY=($(compgen -W '" +
           joined(options, " ") + "' -- \"$cur\"))\n      else\n        " + otherwise +
           "\n      fi\n      ;;\n";
  };
  for (const CLI::App* sub : app.get_subcommands({})) {
    add_command(sub->get_name(), *sub, "COMPREPLY=($(compgen -f -- \"$cur\"))");
  }
  add_command("''", app, "COMPREPLY=($(compgen -W '" + joined(commands, " ") + "' -- \"$cur\"))");
  out +=
      "  esac\n"
      "}\n"
      "complete -o filenames -F _subca_preflight subca-preflight\n";
  return out;
}

}  // namespace preflight::cli
