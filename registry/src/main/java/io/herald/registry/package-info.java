/**
 * The registry of Comets: where each Comet announces its addresses, region, coordinates, weight,
 * load and state, and where Job, Logic and the Balancer read them.
 *
 * <ul>
 *   <li>{@link io.herald.registry.RegistryWriter} is the Comet's side, usually driven by a {@link
 *       io.herald.registry.NodeRenewal}; {@link io.herald.registry.RegistryView} is the readers'
 *       in-memory snapshot, with listeners for topology changes.
 *   <li>{@link io.herald.registry.RedisRegistry} shares records through Redis with a TTL; {@link
 *       io.herald.registry.InMemoryRegistry} keeps them in the process, plus static nodes from
 *       config. {@link io.herald.registry.Registries} picks one from a {@link
 *       io.herald.registry.RegistryConfig}.
 * </ul>
 *
 * <p>The record is the contract's {@link io.herald.proto.registry.v1.CometNode}. A record whose
 * renewal is overdue by the TTL disappears; a DRAINING record stays listed until its Comet
 * deregisters, and readers filter by state as they need.
 *
 * <p>Metrics: {@code herald.registry.nodes{state=up|draining}} (gauge, per view), {@code
 * herald.registry.renewals{result=ok|error}}, {@code herald.registry.polls{result=ok|error}} (Redis
 * readers).
 */
package io.herald.registry;
