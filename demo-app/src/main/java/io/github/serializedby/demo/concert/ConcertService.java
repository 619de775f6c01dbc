package io.github.serializedby.demo.concert;

import io.github.serializedby.demo.SlowWork;
import io.github.serializedby.demo.SlowWork.Step;
import io.github.serializedby.demo.problem.NotFoundException;
import io.github.serializedby.demo.problem.SoldOutException;
import io.github.serializedby.spring.SerializedBy;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Seats of concerts: count the seats sold, sell one if any is left. Without a lock, a burst of buyers
 * all count the same seats left, and the concert is oversold.
 */
@Service
public class ConcertService {

    private final ConcertRepository concerts;
    private final SlowWork slowWork;

    public ConcertService(ConcertRepository concerts, SlowWork slowWork) {
        this.concerts = concerts;
        this.slowWork = slowWork;
    }

    @Transactional
    public Concert create(String title, long seats) {
        return concerts.create(title, seats);
    }

    @Transactional(readOnly = true)
    public Concert concert(long concertId) {
        return concerts.concert(concertId).orElseThrow(() -> new NotFoundException("concert", concertId));
    }

    /**
     * Sells the user a seat of the concert, or refuses when none is left. Locked per concert: every buyer
     * of one concert waits for the one before, which is what makes a popular concert a hot key; the
     * {@code concerts} instance bounds how many may wait.
     */
    @SerializedBy(value = "#concertId", name = "concert", instance = "concerts")
    @Transactional
    public Seat buy(long concertId, String userId) {
        Concert concert = concert(concertId);
        if (concert.sold() >= concert.seats()) {
            throw new SoldOutException(concertId, concert.seats());
        }
        slowWork.perform(Step.SEAT);
        return concerts.sell(concertId, userId);
    }
}
