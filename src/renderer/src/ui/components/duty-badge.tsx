import { Button } from 'antd';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { ConsoleApi, ShiftDto } from '../../../../shared/contract';

/**
 * The cashier on duty, small, in the header (当班：张三 / 未开班); a click opens 交班. Asks shift.current
 * once at start; the 交班 screen reports every change after that. Shows nothing when main cannot answer.
 */
export function DutyBadge({
  api,
  duty,
  onDuty,
  onOpen,
}: {
  api: ConsoleApi;
  duty: ShiftDto | null | undefined;
  onDuty: (shift: ShiftDto | null) => void;
  onOpen: () => void;
}): React.JSX.Element | null {
  const { t } = useTranslation();
  useEffect(() => {
    let live = true;
    void api.shiftCurrent({}).then((r) => live && r.ok && onDuty(r.value));
    return () => {
      live = false;
    };
  }, [api]); // eslint-disable-line react-hooks/exhaustive-deps
  if (duty === undefined) return null;
  return (
    <Button type="text" className="pd-duty" data-testid="duty-badge" data-on-duty={duty ? 'yes' : 'no'} onClick={onOpen}>
      {duty ? t('shift.dutyBadge', { cashier: duty.cashier }) : t('shift.noDutyBadge')}
    </Button>
  );
}
