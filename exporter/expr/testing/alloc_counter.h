// Counts heap allocations made through operator new, so tests can check that a hot path does not
// allocate. Linking testing/alloc_counter.cc replaces the global operator new/delete of the test
// binary. Thread-safe (an atomic counter).
#ifndef BAM_EXPORTER_EXPR_TESTING_ALLOC_COUNTER_H_
#define BAM_EXPORTER_EXPR_TESTING_ALLOC_COUNTER_H_

namespace bam::exporter::testing {

// Allocations so far in this process.
long AllocationCount();

}  // namespace bam::exporter::testing

#endif  // BAM_EXPORTER_EXPR_TESTING_ALLOC_COUNTER_H_
