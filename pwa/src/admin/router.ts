import { Router } from '../lib/router.svelte';

/** The admin app lives under /admin/; every link and navigation goes through this router. */
export const router = new Router('/admin');
