#include "core/fifo_eviction.h"

namespace edgesim::core {

EvictionNode* FifoEviction::Evict() { return queue_.PopTail(); }

}  // namespace edgesim::core
