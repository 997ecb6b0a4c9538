#include <algorithm>
#include <utility>

#include "report/renderers.h"
#include "version.h"

namespace preflight::report_detail {

namespace {

// Check ids are padded to this width at most so messages line up without
// pushing them far right for a long advisory id.
constexpr size_t kMaxIdWidth = 24;
// Evidence values (base64 requests, curl commands) are cut to this many
// bytes; -vv shows them whole.
constexpr size_t kShortValue = 160;

class TextWriter {
 public:
  TextWriter(const Report& report, const RenderOptions& options)
      : report_(report), options_(options) {}

  std::string render() {
    std::vector<const CheckResult*> shown;
    for (const CheckResult* r : ordered_results(report_)) {
      if (!options_.quiet || r->status == Status::kFail || r->status == Status::kWarn) {
        shown.push_back(r);
      }
    }
    for (const CheckResult* r : shown) id_width_ = std::max(id_width_, r->check().size());
    id_width_ = std::min(id_width_, kMaxIdWidth);

    if (!options_.quiet) header();
    // A check run leads with its diagnoses; -q shows only them and the
    // verdict. inspect judges one artifact: its results are the diagnosis;
    // merge shows each merged result, then where vantage points differ.
    if (!report_.is_inspect && !report_.is_merge) {
      diagnoses();
      if (options_.quiet) shown.clear();
      if (!shown.empty()) {
        out_ += '\n';
        line(0, paint("Details", "1"));
      }
    }
    for (const CheckResult* r : shown) result(*r);
    vantage_diagnoses();
    if (!report_.is_inspect || !report_.results.empty()) verdict();
    return std::move(out_);
  }

 private:
  std::string paint(std::string_view text, std::string_view sgr) const {
    if (!options_.color) return std::string(text);
    return "\x1b[" + std::string(sgr) + "m" + std::string(text) + "\x1b[0m";
  }

  // Columns a terminal gives `text`: colour sequences none, a UTF-8 character one.
  static size_t columns(std::string_view text) {
    size_t n = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\x1b') {
        while (i < text.size() && text[i] != 'm') ++i;
        continue;
      }
      if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++n;
    }
    return n;
  }

  // One line, or on a terminal (options.width) several, broken at spaces,
  // the continuation lines indented by `hang` more.
  void line(size_t indent, std::string_view text, size_t hang = 4) {
    const size_t width = options_.width;
    if (width == 0 || indent + columns(text) <= width) {
      out_.append(indent, ' ');
      out_ += text;
      out_ += '\n';
      return;
    }
    size_t used = indent;
    out_.append(indent, ' ');
    bool first_word = true;
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find(' ', start);
      if (end == std::string_view::npos) end = text.size();
      const std::string_view word = text.substr(start, end - start);
      const size_t w = columns(word);
      if (!first_word && used + 1 + w > width) {
        out_ += '\n';
        out_.append(indent + hang, ' ');
        used = indent + hang;
        first_word = true;
      }
      if (!first_word) {
        out_ += ' ';
        ++used;
      }
      out_ += word;
      used += w;
      first_word = false;
      start = end + 1;
    }
    out_ += '\n';
  }

  void diagnoses() {
    if (report_.diagnoses.empty()) return;
    if (!out_.empty()) out_ += '\n';
    for (const Diagnosis& d : report_.diagnoses) {
      line(0, mark(d.status) + " " + paint(d.id, "1") + "  " + printable(d.title), 6);
      line(6,
           "impact " + std::string(to_string(d.impact)) + " · " + std::to_string(d.results.size()) +
               (d.results.size() == 1 ? " failure or warning" : " failures and warnings"),
           2);
      if (!d.scope.profiles.empty()) {
        std::string names = d.scope.profiles.size() == 1 ? "SubCA: " : "SubCAs: ";
        for (size_t i = 0; i < d.scope.profiles.size(); ++i) {
          names += (i > 0 ? ", " : "") + printable(d.scope.profiles[i]);
        }
        line(6, names, 2);
      }
      for (const std::string& seen : d.evidence) {
        line(6, paint("seen:", "2") + " " + printable(seen), 2);
      }
      line(6, paint("fix:", "1") + " " + printable(d.fix.action), 2);
      for (const std::string& item : d.fix.items) line(8, printable(item), 2);
    }
  }

  void header() {
    std::string top = paint(std::string("subca-preflight ") + kVersion, "1");
    if (report_.is_inspect) top += "  inspect";
    if (!report_.policy.empty()) top += "  policy " + printable(report_.policy);
    if (report_.is_merge) {
      top += "  merge of " + printable(vantage_label(report_));
    } else if (!report_.vantage.empty()) {
      top += "  vantage " + printable(report_.vantage);
    }
    top += "  at " + format_rfc3339(report_.at);
    line(0, top);
    if (report_.is_inspect) inspect_header();
  }

  void inspect_header() {
    if (report_.artifact.has_value()) evidence_lines(2, *report_.artifact, "");
    if (report_.cert_status.has_value()) {
      line(2, "cert status: " + printable(*report_.cert_status));
    }
  }

  // Prints a heading for each grouping level (profile, role + URL, path)
  // whose value differs from the previous result's.
  void headings(const CheckResult& r) {
    const std::string& profile = profile_of(report_, r);
    const bool new_profile = first_ || profile != profile_;
    if (new_profile) {
      if (!out_.empty()) out_ += '\n';
      if (!profile.empty()) line(0, paint(printable(profile), "1"));
    }
    const bool new_endpoint = new_profile || r.role != role_ || r.url != url_;
    if (new_endpoint && (!r.role.empty() || !r.url.empty())) {
      if (!new_profile) out_ += '\n';
      std::string endpoint = paint(printable(r.role), "1");
      if (!r.url.empty()) endpoint += (r.role.empty() ? "" : "  ") + printable(r.url);
      line(2, endpoint);
    }
    if ((new_endpoint || r.path != path_) && !r.path.empty()) {
      line(4, "via " + paint(printable(r.path), "1"));
    }
    first_ = false;
    profile_ = profile;
    role_ = r.role;
    url_ = r.url;
    path_ = r.path;
  }

  std::string mark(Status status) const {
    switch (status) {
      case Status::kPass:
        return paint(options_.ascii ? "ok  " : "✔", "32");
      case Status::kFail:
        return paint(options_.ascii ? "FAIL" : "✘", "1;31");
      case Status::kWarn:
        return paint(options_.ascii ? "warn" : "!", "1;33");
      case Status::kSkip:
        return paint(options_.ascii ? "skip" : "–", "2");
    }
    return "?";
  }

  void result(const CheckResult& r) {
    headings(r);
    // Nesting: profile 0, role + URL 2, path 4, results 6; profile-level
    // results sit directly under their profile.
    const size_t indent = !r.path.empty() ? 6 : (!r.role.empty() || !r.url.empty()) ? 4 : 2;
    std::string text = mark(r.status) + " " + printable(r.check());
    if (r.check().size() < id_width_) text.append(id_width_ - r.check().size(), ' ');
    if (const std::string request = request_label(r); !request.empty()) {
      text += " [" + printable(request) + "]";
    }
    // Who is hurt, on every finding: an outage or a rule to report.
    if (r.status == Status::kFail || r.status == Status::kWarn) {
      text += r.impact == Impact::kRelyingParty ? " relying-party" : " compliance";
    }
    text += "  " + printable(r.message);
    line(indent, text);
    if (!r.hint.empty() && (r.status == Status::kFail || r.status == Status::kWarn)) {
      line(indent + 4, paint("hint:", "1") + " " + printable(r.hint));
    }
    // What was seen backs every failure and warning; passes show it on -v.
    const bool failed = r.status == Status::kFail || r.status == Status::kWarn;
    if (!r.rules.empty() && (failed || options_.verbose > 0)) {
      line(indent + 4, paint(std::string(rules_heading(r)) + ":", "2") + " " + rules_label(r));
    }
    if ((failed && !options_.quiet) || options_.verbose > 0) {
      evidence_lines(indent + 4, r.evidence, "");
    }
  }

  std::string shorten(std::string value) const {
    if (options_.verbose > 1 || value.size() <= kShortValue) return value;
    size_t cut = kShortValue;
    while (cut > 0 && (static_cast<unsigned char>(value[cut]) & 0xC0) == 0x80) --cut;
    const size_t total = value.size();
    value.resize(cut);
    value += (options_.ascii ? "..." : "…");
    value += " (" + std::to_string(total) + " bytes; -vv shows all)";
    return value;
  }

  // Objects are flattened to dotted keys; everything else prints as its
  // JSON text, strings without quotes.
  void evidence_lines(size_t indent, const Json& value, const std::string& key) {
    if (const auto* object = value.as_object(); object != nullptr && !object->empty()) {
      for (const auto& [k, v] : *object) evidence_lines(indent, v, key.empty() ? k : key + "." + k);
      return;
    }
    if (key.empty()) return;
    const std::string* s = value.as_string();
    const std::string text = s != nullptr ? *s : value.dump();
    line(indent, paint(printable(key) + ":", "2") + " " + shorten(printable(text)));
  }

  std::string verdict_text(const Results& results) const {
    const Summary s = summarize(results);
    const bool ready = is_ready(results);
    // Who is hurt, naming only the impacts that occur.
    const auto by_impact = [](int relying_party, int compliance) {
      std::string parts;
      if (relying_party > 0) parts = "relying-party " + std::to_string(relying_party);
      if (compliance > 0) {
        parts +=
            (parts.empty() ? "" : ", ") + std::string("compliance ") + std::to_string(compliance);
      }
      return parts.empty() ? parts : " (" + parts + ")";
    };
    return paint(ready ? "READY" : "NOT READY", ready ? "1;32" : "1;31") + "  pass " +
           std::to_string(s.pass) + "  fail " + std::to_string(s.fail) +
           by_impact(s.relying_party.fail, s.compliance.fail) + "  warn " + std::to_string(s.warn) +
           by_impact(s.relying_party.warn, s.compliance.warn) + "  skip " + std::to_string(s.skip);
  }

  // merge: URLs whose behaviour depends on where they are fetched from.
  void vantage_diagnoses() {
    for (const VantageDiagnosis& d : report_.vantage_diagnoses) {
      if (!out_.empty()) out_ += '\n';
      line(0, paint("diagnosis " + printable(d.id), "1") + "  " + std::string(to_string(d.impact)) +
                  "  " + printable(d.scope));
      line(2, "cause: " + printable(d.cause));
      line(2, "fix: " + printable(d.fix));
    }
  }

  // One gate for several SubCAs (docs/judgement.md): each profile's own verdict
  // first, so the operator sees which one holds the ceremony up.
  void verdict() {
    if (!out_.empty()) out_ += '\n';
    if (report_.profiles.size() > 1) {
      for (const std::string& name : report_.profiles) {
        line(0, printable(name) + ": " + verdict_text(results_of(report_, name)));
      }
    }
    line(0, verdict_text(report_.results));
  }

  const Report& report_;
  const RenderOptions& options_;
  std::string out_;
  size_t id_width_ = 0;
  bool first_ = true;
  std::string profile_, role_, url_, path_;
};

}  // namespace

std::string render_text(const Report& report, const RenderOptions& options) {
  return TextWriter(report, options).render();
}

}  // namespace preflight::report_detail
