/**
 * The dialog behind every create / edit form: a Modal around a vertical Form whose OK button
 * validates the fields, hands their values to `onSubmit` and closes once that resolves. A failed
 * request keeps the dialog open and puts the server's field errors on the fields (`handleFormError`).
 */
import { Button, Form, Modal, Popconfirm, type FormInstance, type ModalProps } from 'antd';
import { useRef, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { handleFormError, validated } from './form-errors';

export interface FormModalProps<V> extends Pick<ModalProps, 'title' | 'okText' | 'okButtonProps' | 'width' | 'destroyOnHidden'> {
  form: FormInstance<V>;
  open: boolean;
  /** Cancel, and after a successful submit. */
  onClose: () => void;
  /** Saves the validated values and reports success; the dialog closes when it resolves. */
  onSubmit: (values: V) => Promise<unknown>;
  /** The save request is running (the OK button spins). */
  pending: boolean;
  /** Server field paths that belong on a differently named field (see `handleFormError`). */
  errorAliases?: Record<string, string>;
  /** Enter in a field submits the form. */
  submitOnEnter?: boolean;
  requiredMark?: boolean;
  /** Shown above the form. */
  intro?: ReactNode;
  /** When given (null too), the footer splits: this on the left, Cancel and OK on the right. */
  footerStart?: ReactNode;
  children: ReactNode;
}

/**
 * Rendered even while closed (unless `destroyOnHidden`), so `form` is connected when the caller
 * fills it in on opening.
 */
export function FormModal<V>({
  form,
  open,
  onClose,
  onSubmit,
  pending,
  errorAliases,
  submitOnEnter = false,
  requiredMark = false,
  intro,
  footerStart,
  children,
  title,
  okText,
  okButtonProps,
  width,
  destroyOnHidden,
}: FormModalProps<V>) {
  const { t } = useTranslation();
  // confirmLoading only shows once the mutation runs; a double-click during validation must not
  // submit twice (each submission is its own create on the server).
  const inFlight = useRef(false);
  const submit = async () => {
    if (inFlight.current) return;
    inFlight.current = true;
    try {
      const values = await validated(form);
      if (!values) return;
      await onSubmit(values);
      onClose();
    } catch (error) {
      handleFormError(form, error, errorAliases);
    } finally {
      inFlight.current = false;
    }
  };

  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      onOk={() => void submit()}
      okText={okText ?? t('common.save')}
      okButtonProps={okButtonProps}
      confirmLoading={pending}
      width={width}
      forceRender={!destroyOnHidden}
      destroyOnHidden={destroyOnHidden}
      footer={
        footerStart === undefined
          ? undefined
          : (_, { OkBtn, CancelBtn }) => (
              <div className="modal-footer-split">
                <span>{footerStart}</span>
                <span>
                  <CancelBtn />
                  <OkBtn />
                </span>
              </div>
            )
      }
    >
      {intro}
      <Form form={form} layout="vertical" requiredMark={requiredMark} onFinish={submitOnEnter ? () => void submit() : undefined}>
        {children}
        {submitOnEnter && <button type="submit" hidden />}
      </Form>
    </Modal>
  );
}

/** A footer's delete button that asks first (`confirm`). */
export function DeleteButton({ confirm, onConfirm, testId }: { confirm: string; onConfirm: () => void; testId: string }) {
  const { t } = useTranslation();
  return (
    <Popconfirm title={confirm} okButtonProps={{ danger: true }} onConfirm={onConfirm}>
      <Button danger data-testid={testId}>
        {t('common.delete')}
      </Button>
    </Popconfirm>
  );
}
