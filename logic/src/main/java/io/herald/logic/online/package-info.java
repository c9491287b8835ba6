/**
 * Cluster-wide online counts: every Comet's online report, kept in a store (Redis or in memory) and
 * summed in memory for heartbeat replies and the online queries.
 */
package io.herald.logic.online;
