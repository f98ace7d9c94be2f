// distribution_json.h — CloudFront's DistributionConfig JSON in and out: the reader, the
// validator it runs and the writer, for code that uses all three (the control plane). Code that
// needs one part includes that part's header.
#pragma once

#include "policy/distribution_json_reader.h"
#include "policy/distribution_json_writer.h"
#include "policy/distribution_validator.h"
