#include "core/lru_eviction.h"

namespace edgesim::core {

EvictionNode* LruEviction::Evict() { return queue_.PopTail(); }

}  // namespace edgesim::core
