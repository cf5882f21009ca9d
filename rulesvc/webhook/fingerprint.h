// Alert fingerprints computed exactly as Alertmanager does, for payloads that carry none (the
// 2018-2019 v4 payloads of prometheus-msteams' fixtures). Pure function; thread-safe.
#ifndef BAM_RULESVC_WEBHOOK_FINGERPRINT_H_
#define BAM_RULESVC_WEBHOOK_FINGERPRINT_H_

#include <map>
#include <string>

namespace bam::rulesvc {

// The label set's fingerprint as Prometheus' `model.LabelSet.Fingerprint()` computes it (what
// Alertmanager puts in `fingerprint`): 64-bit FNV-1a over the labels sorted by name, each as
// name, 0xFF, value, 0xFF; rendered as 16 lower-case hex digits. Deterministic across runs and
// machines. An empty label set gives FNV-1a's offset basis, "cbf29ce484222325".
std::string LabelsFingerprint(const std::map<std::string, std::string>& labels);

}  // namespace bam::rulesvc

#endif  // BAM_RULESVC_WEBHOOK_FINGERPRINT_H_
