package io.github.serializedby.demo.problem;

/** Every seat of the concert is sold; answered with 422, since retrying cannot succeed. */
public class SoldOutException extends RuntimeException {

    private final long concertId;
    private final long seats;

    public SoldOutException(long concertId, long seats) {
        super("Concert " + concertId + " is sold out (" + seats + " seats)");
        this.concertId = concertId;
        this.seats = seats;
    }

    public long concertId() {
        return concertId;
    }

    public long seats() {
        return seats;
    }
}
