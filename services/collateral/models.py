"""Tables of the collateral service: vehicles, valuations, the loans they secure, tasks, GPS devices and alerts."""
from sqlalchemy import Column, Date, ForeignKey, Index, Integer, MetaData, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, relationship

from services.common.clock import utcnow
from services.common.tables import MONEY, UtcDateTime, add_plumbing_tables, new_id


class Base(DeclarativeBase):
    metadata = add_plumbing_tables(MetaData())


class Vehicle(Base):
    __tablename__ = "vehicle"
    id = Column(String(36), primary_key=True, default=new_id)
    vin = Column(String(17), nullable=False, unique=True)
    plate_number = Column(String(10))
    brand = Column(String(50), nullable=False)
    model = Column(String(100), nullable=False)
    year = Column(Integer, nullable=False)
    mileage_km = Column(Integer)
    colour = Column(String(20))
    owner_customer_id = Column(String(36), nullable=False, index=True)
    department_id = Column(String(36))
    created_by = Column(String(64), nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class OwnerChange(Base):
    """The vehicle's owners over time (a debt transfer moves the car to the new borrower)."""
    __tablename__ = "owner_change"
    id = Column(String(36), primary_key=True, default=new_id)
    vehicle_id = Column(String(36), ForeignKey("vehicle.id"), nullable=False, index=True)
    from_customer_id = Column(String(36), nullable=False)
    to_customer_id = Column(String(36), nullable=False)
    loan_id = Column(String(36))
    changed_on = Column(Date, nullable=False)
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)


class Valuation(Base):
    """车辆评估: submitted by an appraiser, approved or rejected by another user; never edited."""
    __tablename__ = "valuation"
    id = Column(String(36), primary_key=True, default=new_id)
    vehicle_id = Column(String(36), ForeignKey("vehicle.id"), nullable=False)
    appraised_value = Column(MONEY, nullable=False)
    method = Column(String(50), nullable=False)
    notes = Column(String(1000))
    valued_on = Column(Date, nullable=False)
    status = Column(String(20), nullable=False, default="submitted")
    submitted_by = Column(String(64), nullable=False)
    submitted_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    reviewed_by = Column(String(64))
    reviewed_at = Column(UtcDateTime())
    review_comment = Column(String(500))
    __table_args__ = (Index("ix_valuation_vehicle_status", "vehicle_id", "status", "valued_on"),)


class Pledge(Base):
    """A loan secured by a vehicle, learnt from the loan's events."""
    __tablename__ = "pledge"
    loan_id = Column(String(36), primary_key=True)
    vehicle_id = Column(String(36), ForeignKey("vehicle.id"), nullable=False, index=True)
    customer_id = Column(String(36), nullable=False)
    department_id = Column(String(36))
    contract_no = Column(String(50))
    status = Column(String(20), nullable=False)  # active | settled
    disbursed_on = Column(Date, nullable=False)
    settled_on = Column(Date)


class Task(Base):
    """GPS installation / removal, mortgage registration / release: one row per piece of work."""
    __tablename__ = "task"
    id = Column(String(36), primary_key=True, default=new_id)
    kind = Column(String(30), nullable=False)
    loan_id = Column(String(36), ForeignKey("pledge.loan_id"), nullable=False, index=True)
    vehicle_id = Column(String(36), ForeignKey("vehicle.id"), nullable=False)
    department_id = Column(String(36))
    status = Column(String(20), nullable=False, default="open")
    opened_on = Column(Date, nullable=False)
    due_on = Column(Date, nullable=False)
    # The event that opened it: the same event can never open the same kind of task twice.
    source_event_id = Column(String(36), nullable=False)
    device_imei = Column(String(15))
    installer = Column(String(100))
    certificate_no = Column(String(50))
    done_on = Column(Date)  # installed / registered / released / removed on
    note = Column(String(500))
    completed_by = Column(String(64))
    completed_at = Column(UtcDateTime())
    created_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    # read only: the car the task is about (its VIN and plate are shown with it)
    vehicle = relationship(Vehicle, viewonly=True)
    __table_args__ = (
        UniqueConstraint("source_event_id", "kind", name="uq_task_source_event_kind"),
        Index("ix_task_kind_status_due", "kind", "status", "due_on"),
    )


class GpsDevice(Base):
    __tablename__ = "gps_device"
    imei = Column(String(15), primary_key=True)
    vehicle_id = Column(String(36), ForeignKey("vehicle.id"), nullable=False)
    loan_id = Column(String(36), nullable=False)
    status = Column(String(20), nullable=False)  # active | removed
    installed_on = Column(Date, nullable=False)
    removed_on = Column(Date)


class GpsAlert(Base):
    """An alert from the GPS platform; the same (device, kind, time) is recorded once."""
    __tablename__ = "gps_alert"
    id = Column(String(36), primary_key=True, default=new_id)
    device_imei = Column(String(15), ForeignKey("gps_device.imei"), nullable=False)
    kind = Column(String(20), nullable=False)
    at = Column(UtcDateTime(), nullable=False)
    vehicle_id = Column(String(36), nullable=False)
    loan_id = Column(String(36), nullable=False)
    received_at = Column(UtcDateTime(), nullable=False, default=utcnow)
    __table_args__ = (UniqueConstraint("device_imei", "kind", "at", name="uq_gps_alert"),)
