#include "app/merge_inputs.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "app/evidence.h"
#include "util/files.h"
#include "util/input_error.h"

namespace preflight {

namespace {

constexpr std::uintmax_t kMaxReportBytes = 64 * 1024 * 1024;

[[noreturn]] void refuse(const std::string& source, const std::string& why) {
  throw InputError(SourcePos{source, 0, 0}, why);
}

// A check report, not a merged one: merging a merge would count its
// vantage points again under one name.
std::string report_problem(const std::optional<Json>& doc, const std::string& parse_error) {
  if (!doc) return "not JSON: " + parse_error;
  const Json* tool = doc->find("tool");
  if (tool == nullptr || tool->as_string() == nullptr || *tool->as_string() != "subca-preflight" ||
      doc->find("results") == nullptr) {
    return "not a subca-preflight report";
  }
  if (doc->find("inputs") != nullptr) {
    return "a merged report: merge the reports it was made from instead";
  }
  if (doc->find("artifact") != nullptr) return "an inspect report, not a check report";
  return {};
}

MergeInput read_report_file(const std::string& source) {
  // The file named on the command line may be a link: the operator's choice.
  const UniqueFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
  if (!fd.valid()) refuse(source, std::strerror(errno));
  const auto text = read_capped(fd.get(), kMaxReportBytes);
  if (!text) {
    refuse(source, errno == EFBIG    ? "larger than 64 MiB: not a report of this tool"
                   : errno == EINVAL ? "not a report file or evidence folder"
                                     : std::strerror(errno));
  }
  std::string error;
  MergeInput in;
  in.source = source;
  in.report = parse_json(*text, error);
  if (const std::string problem = report_problem(in.report, error); !problem.empty()) {
    refuse(source, problem);
  }
  return in;
}

MergeInput read_folder(const std::string& source) {
  ReadEvidence evidence = read_evidence_folder(source);
  MergeInput in;
  in.source = source;
  in.folder = true;
  in.manifest_problems = std::move(evidence.problems);
  in.manifest_files = evidence.files;
  if (!evidence.report) {
    in.report_problem = "no readable report.json in the evidence folder";
    return in;
  }
  std::string error;
  in.report = parse_json(*evidence.report, error);
  if (std::string problem = report_problem(in.report, error); !problem.empty()) {
    in.report.reset();
    in.report_problem = "report.json: " + problem;
  }
  return in;
}

}  // namespace

std::vector<MergeInput> read_merge_inputs(const std::vector<std::string>& sources) {
  std::vector<MergeInput> inputs;
  for (const std::string& source : sources) {
    struct stat st {};
    if (::stat(source.c_str(), &st) != 0) refuse(source, std::strerror(errno));
    inputs.push_back(S_ISDIR(st.st_mode) ? read_folder(source) : read_report_file(source));
  }
  return inputs;
}

}  // namespace preflight
