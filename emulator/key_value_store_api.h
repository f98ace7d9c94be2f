// key_value_store_api.h — the KeyValueStore data plane (the cloudfront-keyvaluestore service,
// REST-JSON, API 1.12) on `edgesim serve`'s API port: DescribeKeyValueStore, GetKey, ListKeys,
// PutKey, DeleteKey, UpdateKeys at the model's methods and URIs, over ControlPlane.
//
// The SDKs put the store's account in front of the configured endpoint's host
// (AWS_ENDPOINT_URL_CLOUDFRONT_KEYVALUESTORE=http://localhost:4510 -> 123456789012.localhost:4510)
// and sign with SigV4A (signatures are ignored here). Where that host does not resolve, point
// HTTP_PROXY at the API port: the routes also take absolute-form targets
// ("GET http://123456789012.localhost:4510/key-value-stores/... HTTP/1.1", RFC 9112 3.2.2).
// Errors are {"Message": ...} with the code in x-amzn-ErrorType and the model's status.
//
//   MountKeyValueStoreApi(api, control_plane, clock);
#pragma once

#include "core/clock.h"
#include "emulator/control_plane.h"
#include "httplib.h"

namespace edgesim::emulator {

// Everything referenced must outlive `server`'s use of the routes.
void MountKeyValueStoreApi(httplib::Server& server, ControlPlane& control_plane,
                           const core::Clock& clock);

}  // namespace edgesim::emulator
