/**
 * Back-pressure: the bounds on work in flight in one Logic (pushes accepted and not yet answered,
 * Connects being decided) and the quick, retryable refusal of what is over them.
 */
package io.herald.logic.overload;
