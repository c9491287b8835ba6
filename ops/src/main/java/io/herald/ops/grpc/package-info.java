/**
 * How a Herald gRPC service's failures become statuses: {@link io.herald.ops.grpc.StatusMapping},
 * one per service, independent of the server it runs on.
 */
package io.herald.ops.grpc;
