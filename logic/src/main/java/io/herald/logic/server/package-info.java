/**
 * Logic as a process: its config, the server that wires and starts every part on goim's two ports
 * and names its readiness checks, and {@code main}.
 */
package io.herald.logic.server;
