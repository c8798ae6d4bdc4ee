import { z } from 'zod';

// The CSP forbids eval; without this zod probes `new Function` and the browser reports a CSP violation.
z.config({ jitless: true });
