package io.github.serializedby.demo;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long each slow step takes, under {@code demo.slow-work}; tests set them short.
 *
 * @param withdraw time between reading and writing the balance of a withdrawal
 * @param transfer time between reading and writing the balances of a transfer
 * @param participation time between finding no ticket and creating one
 * @param payment time the simulated third party takes to conduct a payment
 * @param newPet time between finding no pet of that name among the owner's and adding one
 * @param seat time between counting a concert's seats sold and selling one
 */
@ConfigurationProperties("demo.slow-work")
public record SlowWorkProperties(
        @DefaultValue("200ms") Duration withdraw,
        @DefaultValue("50ms") Duration transfer,
        @DefaultValue("100ms") Duration participation,
        @DefaultValue("1s") Duration payment,
        @DefaultValue("100ms") Duration newPet,
        @DefaultValue("20ms") Duration seat) {

    /** The duration of {@code step}. */
    public Duration of(SlowWork.Step step) {
        return switch (step) {
            case WITHDRAW -> withdraw;
            case TRANSFER -> transfer;
            case PARTICIPATION -> participation;
            case PAYMENT -> payment;
            case NEW_PET -> newPet;
            case SEAT -> seat;
        };
    }
}
