
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'layer-auth' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'layer-auth'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'layer-auth' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an RSA key pair for signing identity tokens')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a Layer identity token')
            [CompletionResult]::new('flow', 'flow', [CompletionResultType]::ParameterValue, 'Run the Layer authentication sequence end to end and show each step')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Validate identity tokens, naming every check with the service''s eit_* reason')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Decode a token without verifying anything (any compact JWS/JWT, not only Layer''s)')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Work with key files: public half, format conversion, pair check, thumbprint')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a Layer-compatible service over HTTP that apps, SDKs and tests can sign in to')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check this build against RFC 7515''s RS256 example, then print snippets that verify a token it signs with other stacks'' libraries')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for layer-auth on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'layer-auth;keygen' {
            [CompletionResult]::new('--bits', '--bits', [CompletionResultType]::ParameterName, 'Key size in bits')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write the private key')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'How to give the public key')
            [CompletionResult]::new('--key-id', '--key-id', [CompletionResultType]::ParameterName, 'The Layer Key ID the public key is registered under (layer:///keys/<uuid>), as the JWK''s kid, so a JWKS made from it matches tokens by kid. Default: the thumbprint')
            [CompletionResult]::new('--public-out', '--public-out', [CompletionResultType]::ParameterName, 'Write the public key to this file instead of stdout')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace --out (and --public-out) if it exists (the old key is gone for good)')
            [CompletionResult]::new('--print-env', '--print-env', [CompletionResultType]::ParameterName, 'Print shell lines that export LAYER_PRIVATE_KEY_PATH (and LAYER_KEY_ID with --key-id) on stdout, for `eval`; the public key then goes only to --public-out')
            [CompletionResult]::new('--github', '--github', [CompletionResultType]::ParameterName, 'With --print-env: append the variables to the file $GITHUB_ENV names, and print ::add-mask:: lines for the key on stdout, for the runner to hide it in later logs (only in a GitHub Actions step, and never to a terminal or a file)')
            [CompletionResult]::new('--encrypt', '--encrypt', [CompletionResultType]::ParameterName, 'Encrypt the private key (PKCS#8, PBKDF2-HMAC-SHA256 and AES-256-CBC) under the passphrase in LAYER_PRIVATE_KEY_PASSPHRASE or --passphrase-file')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'layer-auth;sign' {
            [CompletionResult]::new('--nonce', '--nonce', [CompletionResultType]::ParameterName, 'The nonce the Layer service issued (POST /nonces), copied verbatim (a value starting with - is still the nonce)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'Your app''s id for the user (the token''s prn)')
            [CompletionResult]::new('--batch', '--batch', [CompletionResultType]::ParameterName, 'Sign one token per JSON line of FILE (or - for stdin)')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Token lifetime: 90s, 10m, 2h, 1d or seconds')
            [CompletionResult]::new('--typ', '--typ', [CompletionResultType]::ParameterName, 'Header typ: JWS (as Layer''s docs wrote it) or JWT (what the service used from 2015)')
            [CompletionResult]::new('--display-name', '--display-name', [CompletionResultType]::ParameterName, 'display_name claim (at most 128 characters)')
            [CompletionResult]::new('--avatar-url', '--avatar-url', [CompletionResultType]::ParameterName, 'avatar_url claim (at most 1024 characters)')
            [CompletionResult]::new('--first-name', '--first-name', [CompletionResultType]::ParameterName, 'first_name claim (at most 128 characters)')
            [CompletionResult]::new('--last-name', '--last-name', [CompletionResultType]::ParameterName, 'last_name claim (at most 128 characters)')
            [CompletionResult]::new('--claim', '--claim', [CompletionResultType]::ParameterName, 'Extra claim NAME=JSON (repeatable); text that is not JSON is taken as a string, and JSON with a member twice, or with a number that would not be signed as the same number (past 64-bit integers or a double''s range, or more digits than a double keeps), is refused. Numbers are signed in serde_json''s form: 1e3 as 1000.0, -0 as -0.0, 1.5e300 as 1.5e+300. Naming a standard claim (iat, exp, …) replaces it: handy for crafting test tokens')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase')
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard')
            [CompletionResult]::new('--key-id', '--key-id', [CompletionResultType]::ParameterName, 'Key ID the public key is registered under (layer:///keys/<uuid>)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('--allow-weak-key', '--allow-weak-key', [CompletionResultType]::ParameterName, 'Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'layer-auth;flow' {
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The user to authenticate (your app''s user id, the token''s prn)')
            [CompletionResult]::new('--backend', '--backend', [CompletionResultType]::ParameterName, 'Your backend''s token endpoint: POST {"user_id", "nonce"} → {"identity_token"}')
            [CompletionResult]::new('--header', '--header', [CompletionResultType]::ParameterName, 'An extra request header for the backend, ''NAME: VALUE'' (repeatable), e.g. the app''s own login. Values are never shown: an answer that echoes one, or a word of one, of 8 bytes or more (in any case, as sent, JSON-escaped, percent-encoded, or a Basic credential decoded) is shown with it blanked, as are the URL''s userinfo and query values')
            [CompletionResult]::new('--user-field', '--user-field', [CompletionResultType]::ParameterName, 'The field the backend reads the user id from (the 2014 samples read userID)')
            [CompletionResult]::new('--nonce-field', '--nonce-field', [CompletionResultType]::ParameterName, 'The field the backend reads the nonce from')
            [CompletionResult]::new('--layer-url', '--layer-url', [CompletionResultType]::ParameterName, 'A Layer-compatible service to run against instead of the embedded one, such as `layer-auth serve` (whose sample backend, keys and ids are then used by default)')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'The app id to present to --layer-url (default: what the service says it is)')
            [CompletionResult]::new('--public-key', '--public-key', [CompletionResultType]::ParameterName, 'Public key(s) the backend''s tokens must verify under (PEM, JWK or JWKS); default with --backend: the public half of --key')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Give up on the backend after this long: 10s, 1m, 500ms, …')
            [CompletionResult]::new('--ttl', '--ttl', [CompletionResultType]::ParameterName, 'Lifetime of the tokens the embedded signer makes')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock skew forgiven when checking tokens')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase')
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard')
            [CompletionResult]::new('--key-id', '--key-id', [CompletionResultType]::ParameterName, 'Key ID the public key is registered under (layer:///keys/<uuid>)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('--form', '--form', [CompletionResultType]::ParameterName, 'Post user_id and nonce as form fields instead of JSON (with --backend)')
            [CompletionResult]::new('--challenge', '--challenge', [CompletionResultType]::ParameterName, 'Also run the expiry challenge: the session expires, the service answers 401 with a nonce, and the client re-authenticates over exactly that nonce')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail for any warning or check not made, not only for a failed step')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON report of the steps on stdout')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict line (and errors), not each step')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict line (and errors), not each step')
            [CompletionResult]::new('--allow-weak-key', '--allow-weak-key', [CompletionResultType]::ParameterName, 'Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'layer-auth;validate' {
            [CompletionResult]::new('--public-key', '--public-key', [CompletionResultType]::ParameterName, 'Public key to verify with (repeatable): SPKI or PKCS#1 PEM, a private key''s PEM, JWK or JWKS; several form a key set chosen by kid. Default: the public half of --key (LAYER_PRIVATE_KEY_PATH) or LAYER_PRIVATE_KEY when one is set')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase')
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard')
            [CompletionResult]::new('--key-id', '--key-id', [CompletionResultType]::ParameterName, 'Key ID the public key is registered under (layer:///keys/<uuid>)')
            [CompletionResult]::new('--user', '--user', [CompletionResultType]::ParameterName, 'The user the token must be for (its prn)')
            [CompletionResult]::new('--nonce', '--nonce', [CompletionResultType]::ParameterName, 'The nonce the token must carry (its nce)')
            [CompletionResult]::new('--leeway', '--leeway', [CompletionResultType]::ParameterName, 'Clock skew forgiven on iat and exp: 30s, 2m, … (default: none)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)')
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Also print CI annotations on stderr: github (one ::error/::warning line per failed or warned check, one ::notice naming the checks not made)')
            [CompletionResult]::new('--junit', '--junit', [CompletionResultType]::ParameterName, 'Also write a JUnit XML report to FILE (one testcase per token, a failure per failed check, warnings and checks not made in its system-out)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show dates in UTC only; by default, when TZ is set, they are also shown in that zone')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print one JSON report per token on stdout (docs/report.md) instead of text')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print only the verdict line of each token (and errors), not its header, claims and checks')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print only the verdict line of each token (and errors), not its header, claims and checks')
            [CompletionResult]::new('--jsonl', '--jsonl', [CompletionResultType]::ParameterName, 'Read stdin as JSON lines {"token": …, "nonce": …, "user": …}: each token judged against its own nonce and user; one a line leaves out is --nonce''s or --user''s, and the Provider and Key IDs are those given for the run')
            [CompletionResult]::new('--strict', '--strict', [CompletionResultType]::ParameterName, 'Fail a token for any warning or check not made, not only for a failed check')
            [CompletionResult]::new('--skip-signature', '--skip-signature', [CompletionResultType]::ParameterName, 'Count a token valid without verifying its signature (contents only)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'layer-auth;inspect' {
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('--json', '--json', [CompletionResultType]::ParameterName, 'Print the decoded parts as JSON on stdout instead of text on stderr')
            [CompletionResult]::new('--utc', '--utc', [CompletionResultType]::ParameterName, 'Show dates in UTC only; by default, when TZ is set, they are also shown in that zone')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'layer-auth;keys' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('public', 'public', [CompletionResultType]::ParameterValue, 'Print the public half of a key (or a public key in another form) on stdout')
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Convert a key to another format')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check that a private key and a public key (or a JWKS) form a pair')
            [CompletionResult]::new('thumbprint', 'thumbprint', [CompletionResultType]::ParameterValue, 'Print the RFC 7638 SHA-256 thumbprint of a key (one line per key of a JWKS)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'layer-auth;keys;public' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'The form to print')
            [CompletionResult]::new('--key-id', '--key-id', [CompletionResultType]::ParameterName, 'The kid of a jwk or jwks (the Layer Key ID, layer:///keys/<uuid>). Default: the key''s own kid (from a JWK), else its RFC 7638 thumbprint')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'layer-auth;keys;convert' {
            [CompletionResult]::new('--to', '--to', [CompletionResultType]::ParameterName, 'The format to write')
            [CompletionResult]::new('--out', '--out', [CompletionResultType]::ParameterName, 'Where to write (a private key must name a file, or - for a pipe)')
            [CompletionResult]::new('--key-id', '--key-id', [CompletionResultType]::ParameterName, 'The kid of a jwk (the Layer Key ID). Default: the key''s own kid, else its thumbprint')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('--force', '--force', [CompletionResultType]::ParameterName, 'Replace --out if it exists')
            [CompletionResult]::new('--encrypt', '--encrypt', [CompletionResultType]::ParameterName, 'Encrypt the private key (pkcs8 or der) under the passphrase in LAYER_PRIVATE_KEY_PASSPHRASE or --passphrase-file (the one that opens KEY, if it is encrypted)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'layer-auth;keys;check' {
            [CompletionResult]::new('--key-id', '--key-id', [CompletionResultType]::ParameterName, 'The Key ID the pair is registered under: PUBLIC must carry the key with this kid')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'layer-auth;keys;thumbprint' {
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'layer-auth;keys;help' {
            [CompletionResult]::new('public', 'public', [CompletionResultType]::ParameterValue, 'Print the public half of a key (or a public key in another form) on stdout')
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Convert a key to another format')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check that a private key and a public key (or a JWKS) form a pair')
            [CompletionResult]::new('thumbprint', 'thumbprint', [CompletionResultType]::ParameterValue, 'Print the RFC 7638 SHA-256 thumbprint of a key (one line per key of a JWKS)')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'layer-auth;keys;help;public' {
            break
        }
        'layer-auth;keys;help;convert' {
            break
        }
        'layer-auth;keys;help;check' {
            break
        }
        'layer-auth;keys;help;thumbprint' {
            break
        }
        'layer-auth;keys;help;help' {
            break
        }
        'layer-auth;serve' {
            [CompletionResult]::new('--listen', '--listen', [CompletionResultType]::ParameterName, 'Where to listen (port 0 picks a free one)')
            [CompletionResult]::new('--public-key', '--public-key', [CompletionResultType]::ParameterName, 'Register a public key (repeatable): PEM, JWK or JWKS. A PEM is registered under --key-id (or a made-up id)')
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase')
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard')
            [CompletionResult]::new('--key-id', '--key-id', [CompletionResultType]::ParameterName, 'Key ID the public key is registered under (layer:///keys/<uuid>)')
            [CompletionResult]::new('--app-id', '--app-id', [CompletionResultType]::ParameterName, 'The app id clients must present (default: made up, printed)')
            [CompletionResult]::new('--session-ttl', '--session-ttl', [CompletionResultType]::ParameterName, 'How long a session lasts before the 401 challenge')
            [CompletionResult]::new('--state', '--state', [CompletionResultType]::ParameterName, 'Load nonces, sessions and attempts from FILE at start; write them back at exit (its directory must be writable: checked before serving)')
            [CompletionResult]::new('--seed', '--seed', [CompletionResultType]::ParameterName, 'Make nonces, session tokens and made-up ids reproducible (tests only)')
            [CompletionResult]::new('--log-format', '--log-format', [CompletionResultType]::ParameterName, 'How request lines are written on stderr')
            [CompletionResult]::new('--control-token', '--control-token', [CompletionResultType]::ParameterName, 'The bearer token /_emulator/ needs when not on loopback (default: random, printed)')
            [CompletionResult]::new('--max-connections', '--max-connections', [CompletionResultType]::ParameterName, 'Most connections open at once')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('--allow-weak-key', '--allow-weak-key', [CompletionResultType]::ParameterName, 'Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)')
            [CompletionResult]::new('--no-dashboard', '--no-dashboard', [CompletionResultType]::ParameterName, 'Serve no /dashboard page (the API answers exactly the same)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'layer-auth;doctor' {
            [CompletionResult]::new('--key', '--key', [CompletionResultType]::ParameterName, 'Private key file: PKCS#1 or PKCS#8, PEM or DER. Without it, LAYER_PRIVATE_KEY may hold the key itself (PEM, `\n`-escaped PEM, or base64 of the PEM or DER)')
            [CompletionResult]::new('--passphrase-file', '--passphrase-file', [CompletionResultType]::ParameterName, 'File whose first line is the passphrase of an encrypted private key (ENCRYPTED PRIVATE KEY), or - for stdin. Without it, LAYER_PRIVATE_KEY_PASSPHRASE holds the passphrase')
            [CompletionResult]::new('--provider-id', '--provider-id', [CompletionResultType]::ParameterName, 'Provider ID (layer:///providers/<uuid>), from the Layer dashboard')
            [CompletionResult]::new('--key-id', '--key-id', [CompletionResultType]::ParameterName, 'Key ID the public key is registered under (layer:///keys/<uuid>)')
            [CompletionResult]::new('--now', '--now', [CompletionResultType]::ParameterName, 'Judge or stamp times as if it were this instant: RFC 3339, epoch seconds, or relative to the real clock (now, +11m, -2h)')
            [CompletionResult]::new('--snippet', '--snippet', [CompletionResultType]::ParameterName, 'Print only this snippet (default: all of them)')
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('--allow-weak-key', '--allow-weak-key', [CompletionResultType]::ParameterName, 'Sign with a legacy RSA key under 2048 bits (some old dashboard keys were 1024)')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'layer-auth;completions' {
            [CompletionResult]::new('--color', '--color', [CompletionResultType]::ParameterName, 'When to colour messages on stderr (stdout is never coloured): auto colours a terminal unless TERM=dumb or NO_COLOR is set; CLICOLOR_FORCE=1 forces it')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            break
        }
        'layer-auth;help' {
            [CompletionResult]::new('keygen', 'keygen', [CompletionResultType]::ParameterValue, 'Generate an RSA key pair for signing identity tokens')
            [CompletionResult]::new('sign', 'sign', [CompletionResultType]::ParameterValue, 'Sign a Layer identity token')
            [CompletionResult]::new('flow', 'flow', [CompletionResultType]::ParameterValue, 'Run the Layer authentication sequence end to end and show each step')
            [CompletionResult]::new('validate', 'validate', [CompletionResultType]::ParameterValue, 'Validate identity tokens, naming every check with the service''s eit_* reason')
            [CompletionResult]::new('inspect', 'inspect', [CompletionResultType]::ParameterValue, 'Decode a token without verifying anything (any compact JWS/JWT, not only Layer''s)')
            [CompletionResult]::new('keys', 'keys', [CompletionResultType]::ParameterValue, 'Work with key files: public half, format conversion, pair check, thumbprint')
            [CompletionResult]::new('serve', 'serve', [CompletionResultType]::ParameterValue, 'Run a Layer-compatible service over HTTP that apps, SDKs and tests can sign in to')
            [CompletionResult]::new('doctor', 'doctor', [CompletionResultType]::ParameterValue, 'Check this build against RFC 7515''s RS256 example, then print snippets that verify a token it signs with other stacks'' libraries')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print shell completions for layer-auth on stdout')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'layer-auth;help;keygen' {
            break
        }
        'layer-auth;help;sign' {
            break
        }
        'layer-auth;help;flow' {
            break
        }
        'layer-auth;help;validate' {
            break
        }
        'layer-auth;help;inspect' {
            break
        }
        'layer-auth;help;keys' {
            [CompletionResult]::new('public', 'public', [CompletionResultType]::ParameterValue, 'Print the public half of a key (or a public key in another form) on stdout')
            [CompletionResult]::new('convert', 'convert', [CompletionResultType]::ParameterValue, 'Convert a key to another format')
            [CompletionResult]::new('check', 'check', [CompletionResultType]::ParameterValue, 'Check that a private key and a public key (or a JWKS) form a pair')
            [CompletionResult]::new('thumbprint', 'thumbprint', [CompletionResultType]::ParameterValue, 'Print the RFC 7638 SHA-256 thumbprint of a key (one line per key of a JWKS)')
            break
        }
        'layer-auth;help;keys;public' {
            break
        }
        'layer-auth;help;keys;convert' {
            break
        }
        'layer-auth;help;keys;check' {
            break
        }
        'layer-auth;help;keys;thumbprint' {
            break
        }
        'layer-auth;help;serve' {
            break
        }
        'layer-auth;help;doctor' {
            break
        }
        'layer-auth;help;completions' {
            break
        }
        'layer-auth;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
