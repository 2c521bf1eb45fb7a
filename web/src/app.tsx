/**
 * The application shell: providers (React Query, antd theme and locale, i18n), the session, and
 * the routes — staff layout or customer portal, chosen by the logged-in user's role.
 */
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { ConfigProvider } from 'antd';
import useToken from 'antd/es/theme/useToken';
import i18next from 'i18next';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { BrowserRouter, Navigate, Route, Routes, useLocation } from 'react-router';
import { meKey, meQuery, useMeQuery } from './api/auth';
import { ticketListQuery } from './api/tickets';
import { ApiError, onUnauthenticated } from './api/client';
import { FeedbackBridge, showError, showInfo } from './components/feedback';
import { FullPageSpin, LoadError, NotFoundPage } from './components/states';
import { isPortalUser, MeContext } from './features/auth/session';
import { antdLocale, withPageTexts } from './i18n';
import { PortalLayout } from './layouts/portal-layout';
import { StaffLayout } from './layouts/staff-layout';
import { QueuePage } from './features/tickets/queue-page';
import { parseFilters, toListParams } from './features/tickets/queue-state';

// The back-office pages come with their texts (i18n/admin.*.ts), the ticket page and new-ticket form with theirs (i18n/ticket.*.ts):
// `withPageTexts` resolves once both are in (the texts chunk is small and loads in parallel with the page's code).
const LoginPage = lazy(() => import('./features/auth/login-page').then((m) => ({ default: m.LoginPage })));
const FirstPasswordPage = lazy(() => import('./features/auth/first-password-page').then((m) => ({ default: m.FirstPasswordPage })));
// The ticket page shows visits and engineers (issue 12): the field-service texts come with it.
const TicketPage = lazy(() => withPageTexts(withPageTexts(import('./features/tickets/ticket-page'), 'ticket'), 'field').then((m) => ({ default: m.TicketPage })));
const NewTicketPage = lazy(() => withPageTexts(import('./features/tickets/new-ticket-page'), 'ticket').then((m) => ({ default: m.NewTicketPage })));
const CustomersPage = lazy(() => withPageTexts(import('./features/customers/customers-page')).then((m) => ({ default: m.CustomersPage })));
const CustomerPage = lazy(() => withPageTexts(import('./features/customers/customer-page')).then((m) => ({ default: m.CustomerPage })));
const UsersPage = lazy(() => withPageTexts(import('./features/admin/users-page')).then((m) => ({ default: m.UsersPage })));
const CentersPage = lazy(() => withPageTexts(import('./features/admin/centers-page')).then((m) => ({ default: m.CentersPage })));
const AuditPage = lazy(() => withPageTexts(import('./features/admin/audit-page')).then((m) => ({ default: m.AuditPage })));
const DeliveriesPage = lazy(() => withPageTexts(import('./features/admin/deliveries-page')).then((m) => ({ default: m.DeliveriesPage })));
const MailboxesPage = lazy(() => withPageTexts(import('./features/mail/mailboxes-page')).then((m) => ({ default: m.MailboxesPage })));
const QuarantinePage = lazy(() => withPageTexts(import('./features/mail/quarantine-page')).then((m) => ({ default: m.QuarantinePage })));
const MailTemplatesPage = lazy(() => withPageTexts(import('./features/mail/templates-page')).then((m) => ({ default: m.TemplatesPage })));
const JobsPage = lazy(() => withPageTexts(import('./features/jobs/jobs-page')).then((m) => ({ default: m.JobsPage })));
const CalendarsPage = lazy(() => withPageTexts(import('./features/calendars/calendars-page')).then((m) => ({ default: m.CalendarsPage })));
const CalendarPage = lazy(() => withPageTexts(import('./features/calendars/calendar-page')).then((m) => ({ default: m.CalendarPage })));
const PoliciesPage = lazy(() => withPageTexts(import('./features/sla-policies/policies-page')).then((m) => ({ default: m.PoliciesPage })));
const PolicyPage = lazy(() => withPageTexts(import('./features/sla-policies/policy-page')).then((m) => ({ default: m.PolicyPage })));
const EscalationPage = lazy(() => withPageTexts(import('./features/escalation/escalation-page')).then((m) => ({ default: m.EscalationPage })));
const ProductsPage = lazy(() => withPageTexts(import('./features/installed-base/products-page'), 'installed').then((m) => ({ default: m.ProductsPage })));
const DevicesPage = lazy(() => withPageTexts(import('./features/installed-base/devices-page'), 'installed').then((m) => ({ default: m.DevicesPage })));
const DevicePage = lazy(() => withPageTexts(import('./features/installed-base/device-page'), 'installed').then((m) => ({ default: m.DevicePage })));
const DeviceImportPage = lazy(() => withPageTexts(import('./features/installed-base/device-import-page'), 'installed').then((m) => ({ default: m.DeviceImportPage })));
const ContractsPage = lazy(() => withPageTexts(import('./features/installed-base/contracts-page'), 'installed').then((m) => ({ default: m.ContractsPage })));
const ContractPage = lazy(() => withPageTexts(import('./features/installed-base/contract-page'), 'installed').then((m) => ({ default: m.ContractPage })));
const ReplacementsPage = lazy(() => withPageTexts(import('./features/installed-base/replacements-page'), 'installed').then((m) => ({ default: m.ReplacementsPage })));
const DispatchPage = lazy(() => withPageTexts(import('./features/field-service/dispatch-page'), 'field').then((m) => ({ default: m.DispatchPage })));
const MyWorkPage = lazy(() => withPageTexts(import('./features/field-service/my-work-page'), 'field').then((m) => ({ default: m.MyWorkPage })));
const VisitPage = lazy(() => withPageTexts(import('./features/field-service/visit-page'), 'field').then((m) => ({ default: m.VisitPage })));
const OnCallPage = lazy(() => withPageTexts(import('./features/field-service/on-call-page'), 'field').then((m) => ({ default: m.OnCallPage })));
const PortalDevicesPage = lazy(() => withPageTexts(import('./features/installed-base/portal-devices-page'), 'installed').then((m) => ({ default: m.PortalDevicesPage })));
const PortalContractsPage = lazy(() => withPageTexts(import('./features/installed-base/portal-contracts-page'), 'installed').then((m) => ({ default: m.PortalContractsPage })));
const PortalTicketsPage = lazy(() => import('./features/portal/portal-tickets-page').then((m) => ({ default: m.PortalTicketsPage })));
const TokensPage = lazy(() => withPageTexts(import('./features/tokens/tokens-page')).then((m) => ({ default: m.TokensPage })));
const MacrosPage = lazy(() => withPageTexts(import('./features/macros/macros-page')).then((m) => ({ default: m.MacrosPage })));
const NotificationSettingsPage = lazy(() =>
  withPageTexts(import('./features/notification-settings/notification-settings-page')).then((m) => ({ default: m.NotificationSettingsPage })),
);
const PortalNewTicketPage = lazy(() => import('./features/portal/portal-new-ticket-page').then((m) => ({ default: m.PortalNewTicketPage })));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 15_000,
      refetchOnWindowFocus: true,
      retry: (count, error) => !(error instanceof ApiError && error.status > 0 && error.status < 500) && count < 2,
    },
  },
  queryCache: new QueryCache({
    // Pages render their own load errors; background refetch failures of shown data get a toast.
    onError: (error, query) => {
      if (query.state.data !== undefined) showError(error);
    },
  }),
  mutationCache: new MutationCache({
    // Forms handle their own errors (field errors next to the fields); everything else gets a toast.
    onError: (error, _vars, _ctx, mutation) => {
      if (!mutation.meta?.form) showError(error);
    },
  }),
});

onUnauthenticated(() => {
  if (queryClient.getQueryData(meKey)) showInfo(i18next.t('auth.sessionExpired'));
  queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] });
  queryClient.setQueryData(meKey, null);
});

/**
 * Before the first render: who is signed in (index.html preloads /api/me, so the answer is usually
 * in before this code has run) and, for staff opening on the queue, the queue's first page — asked
 * for now instead of after the layout and the queue have rendered (a few hundred milliseconds of
 * rendering on a slow machine), with the same key the queue reads (`ticketListQuery`). Resolves when
 * both are in, or after half a second (the session check then shows its spinner, the queue its
 * skeleton rows).
 */
export function primeSession(): Promise<unknown> {
  const me = queryClient.fetchQuery(meQuery);
  const firstPage = me
    .then((user) => {
      const path = window.location.pathname;
      if (!user || user.mustChangePassword || isPortalUser(user) || (path !== '/tickets' && path !== '/')) return;
      // The staff queue: open tickets by default (`TicketQueue views`); the page from react-router's history state.
      const state = window.history.state as { usr?: { cursors?: unknown[] } } | null;
      const cursors = (state?.usr?.cursors ?? []).filter((c): c is string => typeof c === 'string');
      const search = path === '/tickets' ? window.location.search : '';
      return queryClient.prefetchQuery(ticketListQuery(toListParams(parseFilters(new URLSearchParams(search), true), cursors.at(-1))));
    })
    .catch(() => undefined);
  // The first page too: arriving while React renders the layout (a long task), it would cost a second render.
  return Promise.race([firstPage, new Promise((resolve) => window.setTimeout(resolve, 500))]);
}

function RedirectToLogin() {
  const location = useLocation();
  const next = location.pathname + location.search;
  return <Navigate to={next === '/' ? '/login' : `/login?next=${encodeURIComponent(next)}`} replace />;
}

/** After logging in, /login sends the user where they were going. */
function AfterLogin() {
  const location = useLocation();
  const next = new URLSearchParams(location.search).get('next');
  return <Navigate to={next?.startsWith('/') && !next.startsWith('//') ? next : '/tickets'} replace />;
}

function StaffRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<AfterLogin />} />
      <Route element={<StaffLayout />}>
        <Route index element={<Navigate to="/tickets" replace />} />
        <Route path="/tickets" element={<QueuePage />} />
        <Route path="/tickets/new" element={<NewTicketPage />} />
        <Route path="/tickets/:id" element={<TicketPage />} />
        <Route path="/customers" element={<CustomersPage />} />
        <Route path="/customers/:id" element={<CustomerPage />} />
        <Route path="/macros" element={<MacrosPage />} />
        <Route path="/products" element={<ProductsPage />} />
        <Route path="/devices" element={<DevicesPage />} />
        <Route path="/devices/import" element={<DeviceImportPage />} />
        <Route path="/devices/:id" element={<DevicePage />} />
        <Route path="/contracts" element={<ContractsPage />} />
        <Route path="/contracts/:id" element={<ContractPage />} />
        <Route path="/replacements" element={<ReplacementsPage />} />
        <Route path="/dispatch" element={<DispatchPage />} />
        <Route path="/my-work" element={<MyWorkPage />} />
        <Route path="/visits/:id" element={<VisitPage />} />
        <Route path="/on-call" element={<OnCallPage />} />
        <Route path="/admin/users" element={<UsersPage />} />
        <Route path="/admin/centers" element={<CentersPage />} />
        <Route path="/admin/audit" element={<AuditPage />} />
        <Route path="/admin/deliveries" element={<DeliveriesPage />} />
        <Route path="/admin/mailboxes" element={<MailboxesPage />} />
        <Route path="/admin/mail-quarantine" element={<QuarantinePage />} />
        <Route path="/admin/mail-templates" element={<MailTemplatesPage />} />
        <Route path="/admin/jobs" element={<JobsPage />} />
        <Route path="/admin/calendars" element={<CalendarsPage />} />
        <Route path="/admin/calendars/:id" element={<CalendarPage />} />
        <Route path="/admin/sla-policies" element={<PoliciesPage />} />
        <Route path="/admin/sla-policies/:id" element={<PolicyPage />} />
        <Route path="/admin/escalation" element={<EscalationPage />} />
        <Route path="/admin/tokens" element={<TokensPage admin />} />
        <Route path="/settings/tokens" element={<TokensPage />} />
        <Route path="/settings/notifications" element={<NotificationSettingsPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

function PortalRoutes() {
  return (
    <Routes>
      <Route path="/login" element={<AfterLogin />} />
      <Route element={<PortalLayout />}>
        <Route index element={<Navigate to="/tickets" replace />} />
        <Route path="/tickets" element={<PortalTicketsPage />} />
        <Route path="/tickets/new" element={<PortalNewTicketPage />} />
        <Route path="/devices" element={<PortalDevicesPage />} />
        <Route path="/contracts" element={<PortalContractsPage />} />
        <Route path="/settings/tokens" element={<TokensPage />} />
        <Route path="/settings/notifications" element={<NotificationSettingsPage />} />
        <Route path="/tickets/:id" element={<TicketPage />} />
        <Route path="*" element={<NotFoundPage />} />
      </Route>
    </Routes>
  );
}

function Session() {
  const me = useMeQuery();
  if (me.isPending) return <FullPageSpin />;
  if (me.isError) return <LoadError error={me.error} onRetry={() => void me.refetch()} />;
  if (!me.data) {
    return (
      <Suspense fallback={<FullPageSpin />}>
        <Routes>
          <Route path="/login" element={<LoginPage />} />
          <Route path="*" element={<RedirectToLogin />} />
        </Routes>
      </Suspense>
    );
  }
  // A password someone else chose: nothing else until it is replaced (the server refuses the rest too).
  if (me.data.mustChangePassword) {
    return (
      <Suspense fallback={<FullPageSpin />}>
        <FirstPasswordPage me={me.data} />
      </Suspense>
    );
  }
  return (
    <MeContext.Provider value={me.data}>
      <Suspense fallback={<FullPageSpin />}>{isPortalUser(me.data) ? <PortalRoutes /> : <StaffRoutes />}</Suspense>
    </MeContext.Provider>
  );
}

/** What antd's <App> wrapper gives (text colour, size and font from the theme), without its Modal. */
function AppFrame({ children }: { children: React.ReactNode }) {
  const [, token] = useToken();
  return (
    <div className="ant-app" style={{ color: token.colorText, fontSize: token.fontSize, lineHeight: token.lineHeight, fontFamily: token.fontFamily }}>
      {children}
    </div>
  );
}

function Providers({ children }: { children: React.ReactNode }) {
  const { i18n } = useTranslation();
  return (
    <ConfigProvider
      locale={antdLocale(i18n.language)}
      button={{ autoInsertSpace: false }}
      theme={{
        token: { colorPrimary: '#1f6feb', borderRadius: 6, colorBgLayout: '#f5f6f8' },
        components: { Layout: { headerHeight: 52, headerPadding: '0 20px', siderBg: '#ffffff', headerBg: '#ffffff' } },
      }}
    >
      <AppFrame>
        <FeedbackBridge />
        {children}
      </AppFrame>
    </ConfigProvider>
  );
}

export function AppRoot() {
  return (
    <QueryClientProvider client={queryClient}>
      <Providers>
        <BrowserRouter>
          <Session />
        </BrowserRouter>
      </Providers>
    </QueryClientProvider>
  );
}
