package io.github.serializedby.spring.aop;

/** How a locked method hands back its result, and so when its lock may be released. */
enum ReturnKind {

    /** A plain value: released when the method returns. */
    VALUE,

    /** A {@code CompletionStage}: released when the stage completes. */
    COMPLETION_STAGE,

    /** A Reactor {@code Mono}: acquired on subscription, released on completion, error or cancellation. */
    MONO,

    /** A Reactor {@code Flux}: acquired on subscription, released on completion, error or cancellation. */
    FLUX
}
