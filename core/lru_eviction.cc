#include "core/lru_eviction.h"

namespace edgesim::core {

EvictionNode* LruEviction::Evict() {
  EvictionNode* victim = queue_.tail();
  if (victim != nullptr) queue_.Remove(*victim);
  return victim;
}

}  // namespace edgesim::core
