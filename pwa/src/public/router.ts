import { Router } from '../lib/router.svelte';

/**
 * The public site owns every page path at the root. Links to the staff apps and to the API
 * (the calendar file) are ordinary page loads, not routes of this app.
 */
export const router = new Router('', { elsewhere: ['/admin', '/door', '/api'] });
