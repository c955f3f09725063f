/**
 * testing-library's waits (findBy…, waitFor) give up after 1 s by default. A whole console renders per test,
 * and on a loaded 2-core machine one render plus a QR can take longer than that; a wait still ends as soon
 * as what it waits for is there, so a longer bound only changes how long a real failure takes to report.
 */
import { configure } from '@testing-library/react';

configure({ asyncUtilTimeout: 5_000 });
