/**
 * Ranking Comets for one client: a pure library, no I/O and no clock.
 *
 * <p>{@link io.herald.balancer.rank.NodeRanker} orders a registry snapshot for a {@link
 * io.herald.balancer.rank.ClientLocation}: regions by great-circle distance from the client, then
 * the nodes of a region by a seeded weighted shuffle on {@code weight × headroom}, spilling over to
 * the next-nearest region until the requested number of nodes is reached.
 */
package io.herald.balancer.rank;
