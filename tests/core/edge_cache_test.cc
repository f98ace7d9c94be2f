#include "core/edge_cache.h"
