// The exporter logs through common/log.h; these names keep its call sites short.
#ifndef BAM_EXPORTER_APP_LOG_H_
#define BAM_EXPORTER_APP_LOG_H_

#include "common/log.h"

namespace bam::exporter {

using ::bam::ConfigureLog;
using ::bam::Log;
using ::bam::LogLevel;

}  // namespace bam::exporter

#endif  // BAM_EXPORTER_APP_LOG_H_
