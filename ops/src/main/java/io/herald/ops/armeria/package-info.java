/**
 * The operator endpoints and gRPC statuses of {@link io.herald.ops} on Armeria, the server of
 * Logic, Job, the Balancer and IdGen: {@link io.herald.ops.armeria.OperatorServices} ({@code
 * /metrics} and health answers), {@link io.herald.ops.armeria.TrustedProxies} (client addresses
 * from {@code X-Forwarded-For}) and {@link io.herald.ops.armeria.GrpcStatusHandler}. Needs Armeria
 * on the classpath, which this module does not bring.
 */
package io.herald.ops.armeria;
