/**
 * Herald's roles started together, as processes through the launcher, for tests and benchmarks:
 * {@link io.herald.testkit.cluster.HeraldCluster}, the roles' test configs ({@link
 * io.herald.testkit.cluster.RoleConfigs}, which a role's own module also loads to start that role
 * in its test JVM), and what a role publishes on {@code /metrics} ({@link
 * io.herald.testkit.cluster.ServiceMetrics}).
 */
package io.herald.testkit.cluster;
