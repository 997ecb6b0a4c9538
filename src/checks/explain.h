#pragma once

#include "model/evidence_table.h"
#include "model/result.h"

// The explain step, after judging: hints of failures on one path are
// sharpened with what the same request got on the reference path and what a
// control URL got on this path. It adds text to hints; it never changes a
// status, and controls never produce results of their own.
namespace preflight {

// http.status / http.reachable failures of `key`: "the front end does not
// pass this URL" (control or origin fine), "the host or path is down"
// (control fails too), "the origin does not serve it either".
void explain_http_failures(Results& results, const EvidenceTable& table, const RequestKey& key);

// ocsp.response-status failures of an `unauthorized` answer: quote the
// reference path's answer ("origin answers a signed `good`").
void explain_unauthorized(Results& results, const EvidenceTable& table, const RequestKey& key);

}  // namespace preflight
