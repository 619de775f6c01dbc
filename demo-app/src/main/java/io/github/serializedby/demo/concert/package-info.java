/**
 * Concerts with a limited number of seats, the hot-ticket case: when sales open, hundreds of requests
 * ask for a seat of one concert at once. Sales are serialized per concert, so no seat is sold twice, and
 * the number of callers waiting for one concert is bounded, so that a hot concert cannot take every
 * request thread and the rest of the application keeps answering.
 */
@NullMarked
package io.github.serializedby.demo.concert;

import org.jspecify.annotations.NullMarked;
