<?php

namespace Osc\Laravel;

/** osc exited non-zero or could not start; the message ends with its last output lines. */
final class OscFailed extends \RuntimeException
{
}
