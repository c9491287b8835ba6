/**
 * The Comet's API surface for Job, Logic and operators: the {@code Comet} gRPC service (deliveries,
 * rooms, kick, drain, resync), the checks on its requests, and the one interceptor that maps its
 * failures to gRPC statuses and counts calls. It holds no state of its own.
 */
package io.herald.comet.grpc;
