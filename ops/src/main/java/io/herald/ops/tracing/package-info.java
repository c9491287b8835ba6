/**
 * Trace context along the push path (push API → Kafka record → Job → Comet write) on the
 * OpenTelemetry API: {@link io.herald.ops.tracing.Tracing} (the tracer and the propagator a server
 * is given; without an SDK it records nothing and passes W3C trace context through) and {@link
 * io.herald.ops.tracing.GrpcTracing} (gRPC metadata in and out). Span names and attributes: {@code
 * docs/tracing.md}.
 */
package io.herald.ops.tracing;
