package io.github.serializedby.demo.concert;

import java.time.Instant;

/** A seat a user bought for a concert. */
public record Seat(long id, long concertId, String userId, Instant soldAt) {}
