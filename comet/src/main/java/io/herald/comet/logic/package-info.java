/**
 * The Comet's side of Logic: the asynchronous {@link io.herald.comet.logic.LogicClient} (over
 * gRPC), and what the Comet tells Logic on its own: online room counts, the rooms it newly holds
 * members of, and the sessions it re-announces when Logic may have lost them.
 */
package io.herald.comet.logic;
